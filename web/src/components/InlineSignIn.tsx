// Signing in where it is needed, without leaving the page: phone → SMS code → signed in
// (the check-in page; "I was there" on the locations of interest).
import { useState } from 'preact/hooks';
import { api, setToken, type OtpSent } from '../api';
import { useI18n } from '../i18n';
import { Field, fieldErrors, type FieldErrors } from './ui';

export function InlineSignIn(props: { onSignedIn: () => void; title?: string }) {
  const { t } = useI18n();
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [sent, setSent] = useState<OtpSent | null>(null);
  const [errors, setErrors] = useState<FieldErrors<'phone' | 'code'>>({});
  const [busy, setBusy] = useState(false);

  async function send(e: Event) {
    e.preventDefault();
    if (!phone.trim()) { setErrors({ phone: t('err_required') }); return; }
    setBusy(true);
    setErrors({});
    try {
      setSent(await api.requestOtp(phone.trim()));
    } catch (err) {
      setErrors(fieldErrors(err, t, ['phone'] as const, 'phone'));
    } finally {
      setBusy(false);
    }
  }

  async function verify(e: Event) {
    e.preventDefault();
    if (!sent) return;
    const digits = code.replace(/\D/g, '');
    if (digits.length !== 6) { setErrors({ code: t('err_code_format') }); return; }
    setBusy(true);
    setErrors({});
    try {
      const s = await api.verifyOtp(sent.phone, digits);
      setToken(s.token);
      props.onSignedIn();
    } catch (err) {
      setErrors(fieldErrors(err, t, ['code'] as const, 'code'));
      setBusy(false);
    }
  }

  return (
    <section class="card">
      <h2>{props.title ?? t('signInToCheckIn')}</h2>
      {!sent ? (
        <form onSubmit={send} noValidate data-testid="inline-phone-form">
          <Field name="signin-phone" label={t('phoneLabel')} type="tel" inputMode="tel" autoComplete="tel"
            placeholder={t('phonePlaceholder')} value={phone}
            onInput={(e) => setPhone((e.currentTarget as HTMLInputElement).value)} error={errors.phone} />
          <button class="btn-ghost" type="submit" data-testid="inline-send-code" disabled={busy}>{t('sendCode')}</button>
        </form>
      ) : (
        <form onSubmit={verify} noValidate data-testid="inline-code-form">
          <p class="muted">{t('codeSentTo')} <strong>{sent.phone}</strong></p>
          <Field name="signin-code" label={t('codeLabel')} inputMode="numeric" autoComplete="one-time-code" maxLength={6}
            value={code} onInput={(e) => setCode((e.currentTarget as HTMLInputElement).value.replace(/\D/g, ''))}
            error={errors.code} class="code-input" />
          <button class="btn-primary" type="submit" data-testid="inline-verify" disabled={busy}>{t('verify')}</button>
        </form>
      )}
    </section>
  );
}
