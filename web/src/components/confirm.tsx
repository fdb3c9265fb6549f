// A button for an action that cannot be undone (revoking a QR code, disabling an account): the
// first tap only asks, saying what will happen; the action runs on the second, explicit tap.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { useI18n } from '../i18n';

export function ConfirmButton(props: {
  /** The button's label, and the name of the action (data-testid={testId}). */
  label: string;
  testId: string;
  /** The question and what will happen, shown before anything is done. */
  title: string;
  children: ComponentChildren;
  confirmLabel: string;
  onConfirm: () => Promise<void> | void;
  class?: string;
  disabled?: boolean;
}) {
  const { t } = useI18n();
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!asking) {
    return (
      <button type="button" class={props.class ?? 'btn-small danger'} data-testid={props.testId}
        disabled={props.disabled} onClick={() => setAsking(true)}>
        {props.label}
      </button>
    );
  }
  async function confirm() {
    setBusy(true);
    try {
      await props.onConfirm();
    } finally {
      setBusy(false);
      setAsking(false);
    }
  }
  return (
    <div class="confirm-box" role="alertdialog" aria-labelledby={`${props.testId}-title`}
      aria-describedby={`${props.testId}-text`} data-testid={`${props.testId}-confirm`}>
      <p class="confirm-title" id={`${props.testId}-title`}><strong>{props.title}</strong></p>
      <div id={`${props.testId}-text`}>{props.children}</div>
      <div class="button-row">
        <button type="button" class="btn-small danger" data-testid={`${props.testId}-yes`} disabled={busy}
          onClick={confirm}>{props.confirmLabel}</button>
        <button type="button" class="btn-small" data-testid={`${props.testId}-no`} disabled={busy} autoFocus
          onClick={() => setAsking(false)}>{t('cancel')}</button>
      </div>
    </div>
  );
}
