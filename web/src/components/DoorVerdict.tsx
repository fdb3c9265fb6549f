// What the door answered, in words: the person's health colour, why, and what to do. The same
// answer on every way in (the server's checkin::Door); shown to the staff at the scanner
// (`audience: 'staff'`) or to the visitor on their own phone (`audience: 'self'`). A red
// answer at the scanner covers the whole screen until the guard acknowledges it.
import { useI18n, type MessageKey } from '../i18n';

export type DoorColour = 'green' | 'yellow' | 'red' | 'not_declared';
export interface DoorStatus {
  colour: DoorColour;
  reason: string;
  instruction: string;
}

export function doorHeadline(t: (k: MessageKey) => string, s: DoorStatus): string {
  return t(`door_colour_${s.colour}` as MessageKey);
}

export function DoorVerdict({ status, audience, name, detail }: {
  status: DoorStatus; audience: 'staff' | 'self'; name?: string; detail?: string;
}) {
  const { t } = useI18n();
  const instruction = t(`${audience === 'self' ? 'self' : 'door'}_${status.instruction}` as MessageKey);
  return (
    <div class={`door-verdict scan-${status.colour}`} role="status" aria-live="assertive" data-testid="door-verdict"
      data-colour={status.colour} data-reason={status.reason}>
      <strong class="door-headline">{doorHeadline(t, status)}</strong>
      {name && <span class="door-name" data-testid="scan-name">{name}</span>}
      <span class="door-reason" data-testid="door-reason">{t(`door_reason_${status.reason}` as MessageKey)}</span>
      <span class="door-instruction" data-testid="door-instruction">{instruction}</span>
      {detail && <span class="door-detail">{detail}</span>}
    </div>
  );
}

// The guard must not miss a red answer: it fills the screen until acknowledged.
export function DoorStop({ status, name, onDismiss }: { status: DoorStatus; name: string; onDismiss: () => void }) {
  const { t } = useI18n();
  return (
    <div class="door-stop" role="alertdialog" aria-modal="true" aria-labelledby="door-stop-title" data-testid="door-stop">
      <span class="scan-mark" aria-hidden="true">!</span>
      <h2 id="door-stop-title">{t('door_colour_red')}</h2>
      <p class="door-name">{name}</p>
      <p>{t(`door_reason_${status.reason}` as MessageKey)}</p>
      <p class="door-instruction">{t(`door_${status.instruction}` as MessageKey)}</p>
      <button type="button" class="btn-stop" onClick={onDismiss} data-testid="door-stop-ok">{t('door_stop_ok')}</button>
    </div>
  );
}
