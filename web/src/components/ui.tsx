// Small building blocks shared by the pages: the page frame with its header, labelled fields
// whose error sits right under the input, a form-level alert, and a button that asks before an
// action that cannot be undone.
import type { ComponentChildren, InputHTMLAttributes } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useI18n, errorKey, type Translate } from '../i18n';
import { ApiError, api, setToken } from '../api';
import { navigate } from '../router';
import { pendingDeclarations, sendPendingDeclarations } from '../lib/pendingDeclarations';

/** Dispatched on window when a declaration was kept to send later. */
export const DECLARATION_KEPT_EVENT = 'kb:declaration-kept';

/**
 * Declarations kept while offline (lib/pendingDeclarations.ts): sent when a signed-in page opens
 * or the network returns, and said so on screen.
 */
function PendingDeclarations() {
  const { t } = useI18n();
  const [waiting, setWaiting] = useState(() => pendingDeclarations().length);
  const [sent, setSent] = useState(0);
  useEffect(() => {
    let live = true;
    const send = () => {
      if (!pendingDeclarations().length) return;
      void sendPendingDeclarations().then((n) => {
        if (!live) return;
        setWaiting(pendingDeclarations().length);
        if (n) setSent(n);
      });
    };
    const again = () => setWaiting(pendingDeclarations().length);
    send();
    window.addEventListener('online', send);
    window.addEventListener(DECLARATION_KEPT_EVENT, again);
    return () => {
      live = false;
      window.removeEventListener('online', send);
      window.removeEventListener(DECLARATION_KEPT_EVENT, again);
    };
  }, []);
  if (waiting) return <p class="offline-banner" role="status" data-testid="declarations-waiting">{t('declarationsWaiting', { n: waiting })}</p>;
  if (sent) return <p class="success" role="status" data-testid="declarations-sent">{t('declarationsSent', { n: sent })}</p>;
  return null;
}

export function Layout(props: { signedIn?: boolean; children: ComponentChildren }) {
  const { lang, setLang, t } = useI18n();
  async function signOut() {
    try {
      await api.logout();
    } catch {
      /* the token is dropped locally either way */
    }
    setToken(null);
    navigate('/login');
  }
  return (
    <div class="page">
      <header class="topbar">
        <a class="brand" href="/" onClick={(e) => { e.preventDefault(); navigate('/'); }}>
          <span class="brand-mark" aria-hidden="true">+</span>
          <span class="brand-text">{t('appName')}</span>
        </a>
        <div class="topbar-actions">
          <div class="lang-switch" role="group" aria-label={t('langLabel')}>
            {(['vi', 'en'] as const).map((l) => (
              <button
                type="button"
                data-testid={`lang-${l}`}
                aria-pressed={lang === l}
                class={lang === l ? 'active' : ''}
                onClick={() => setLang(l)}
              >
                {l.toUpperCase()}
              </button>
            ))}
          </div>
          {props.signedIn && (
            <button type="button" class="btn-ghost" data-testid="sign-out" onClick={signOut}>
              {t('signOut')}
            </button>
          )}
        </div>
      </header>
      <main class="content">{props.signedIn && <PendingDeclarations />}{props.children}</main>
    </div>
  );
}

type InputProps = InputHTMLAttributes<HTMLInputElement> & {
  name: string;
  label: string;
  error?: string;
  hint?: string;
};

export function Field({ name, label, error, hint, ...input }: InputProps) {
  const describedBy = [error ? `${name}-error` : '', hint ? `${name}-hint` : '']
    .filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${error ? ' has-error' : ''}`}>
      <label for={name}>{label}</label>
      <input
        id={name}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        {...input}
      />
      {hint && !error && <p class="hint" id={`${name}-hint`}>{hint}</p>}
      {error && (
        <p class="field-error" id={`${name}-error`} data-testid={`error-${name}`} role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

export function FormError(props: { message?: string }) {
  if (!props.message) return null;
  return <p class="form-error" role="alert" data-testid="form-error">{props.message}</p>;
}

/** "45 giây", "3 phút": how long to wait. */
export function waitText(seconds: number, t: Translate): string {
  return seconds < 120 ? t('waitSeconds', { n: seconds }) : t('waitMinutes', { n: Math.ceil(seconds / 60) });
}

/**
 * Text for an error, in the app's language: the text of its code in the error dictionary
 * (i18n-errors.ts), with how long to wait when the server said so. A code the dictionary lacks
 * (tests/browser/error-texts.test.mjs keeps that from happening) gets the generic text, never
 * the server's English message.
 */
export function errorText(err: unknown, t: Translate): string {
  if (err instanceof ApiError) {
    if (err.code === 'rate_limited' && err.retryAfter) return t('err_rate_limited_wait', { wait: waitText(err.retryAfter, t) });
    const key = errorKey(err.code);
    if (key) return t(key);
  }
  return t('err_generic');
}

export type FieldErrors<F extends string> = Partial<Record<F | 'form', string>>;

/**
 * Puts an API error next to the field it names when that field is on this form (a field of a
 * nested object, "entry.seat", also matches "seat"; an item of a list, "symptoms[2]", its list).
 */
export function fieldErrors<F extends string>(
  err: unknown, t: Translate, fields: readonly F[], fallback: F | 'form' = 'form',
): FieldErrors<F> {
  const text = errorText(err, t);
  const named = err instanceof ApiError ? err.field : undefined;
  const candidates = named ? [named, named.replace(/\[\d+\]$/, ''), named.replace(/^[a-z_]+\./, '')] : [];
  const field = candidates.find((f) => (fields as readonly string[]).includes(f));
  if (field) return { [field]: text } as FieldErrors<F>;
  return { [fallback]: text } as FieldErrors<F>;
}

/**
 * A button for an action that cannot be undone (closing a case, sending to a province,
 * recalling): the first tap opens a confirmation that says what will happen and to how many
 * people; only its confirm button acts, cancel (or Escape) closes it. With `ask={false}` the
 * button acts at once (the same control where the action is small). `children` go inside the
 * confirmation, e.g. a reason field; `confirmDisabled` holds the confirm button until it is
 * filled. Test ids: `{testid}`, `{testid}-dialog`, `{testid}-confirm`, `{testid}-cancel`.
 */
export function ConfirmButton(props: {
  testid: string;
  label: ComponentChildren;
  message: ComponentChildren;
  confirmLabel: ComponentChildren;
  onConfirm: () => unknown;
  class?: string;
  disabled?: boolean;
  confirmDisabled?: boolean;
  ask?: boolean;
  danger?: boolean;
  children?: ComponentChildren;
}) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (open) cancel.current?.focus();
  }, [open]);
  const id = `${props.testid}-dialog`;
  return (
    <>
      <button type="button" class={props.class ?? 'btn-ghost'} disabled={props.disabled || open}
        data-testid={props.testid} aria-expanded={props.ask === false ? undefined : open}
        onClick={() => (props.ask === false ? props.onConfirm() : setOpen(true))}>
        {props.label}
      </button>
      {open && (
        <div class="confirm" role="alertdialog" aria-labelledby={`${id}-text`} data-testid={id}
          onKeyDown={(e) => { if (e.key === 'Escape') setOpen(false); }}>
          <p id={`${id}-text`}>{props.message}</p>
          {props.children}
          <div class="button-row">
            <button type="button" class={props.danger ? 'btn-small danger' : 'btn-small primary'}
              disabled={props.confirmDisabled} data-testid={`${props.testid}-confirm`}
              onClick={() => { setOpen(false); props.onConfirm(); }}>
              {props.confirmLabel}
            </button>
            <button type="button" class="btn-small" ref={cancel} data-testid={`${props.testid}-cancel`}
              onClick={() => setOpen(false)}>
              {t('cancel')}
            </button>
          </div>
        </div>
      )}
    </>
  );
}

/** Whether a set of field errors has any. */
export function hasErrors(errors: Record<string, string | undefined>): boolean {
  return Object.values(errors).some(Boolean);
}
