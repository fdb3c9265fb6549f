// Citizen sign-in: phone number → SMS code → signed in.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, getToken, setToken, type OtpSent } from '../api';
import { useI18n } from '../i18n';
import { linkClick, navigate } from '../router';
import { Field, FormError, Layout, fieldErrors, type FieldErrors } from '../components/ui';

type Fields = 'phone' | 'code';

export function Login() {
  const { t } = useI18n();
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [sent, setSent] = useState<OtpSent | null>(null);
  const [errors, setErrors] = useState<FieldErrors<Fields>>({});
  const [busy, setBusy] = useState(false);
  const [resendLeft, setResendLeft] = useState(0);
  // A code was sent a moment ago (another tab, a reload, "change phone" and back): it still
  // works, so the person types it instead of waiting for a new one.
  const [alreadySent, setAlreadySent] = useState(false);

  useEffect(() => {
    if (getToken()) navigate('/', true);
  }, []);

  useEffect(() => {
    if (resendLeft <= 0) return;
    const timer = setTimeout(() => setResendLeft((s) => s - 1), 1000);
    return () => clearTimeout(timer);
  }, [resendLeft]);

  useEffect(() => {
    if (sent) document.getElementById('code')?.focus();
  }, [sent]);

  async function sendCode(e?: Event) {
    e?.preventDefault();
    if (!phone.trim()) {
      setErrors({ phone: t('err_required') });
      return;
    }
    setBusy(true);
    setErrors({});
    try {
      const r = await api.requestOtp(phone.trim());
      setSent(r);
      setAlreadySent(false);
      setCode('');
      setResendLeft(r.resend_after || 0);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'rate_limited' && err.retryAfter) {
        // Asked again too soon: the code sent before still works.
        setSent(sent ?? { phone: phone.trim(), expires_in: 0, resend_after: err.retryAfter });
        setAlreadySent(true);
        setResendLeft(err.retryAfter);
      } else {
        setErrors(fieldErrors(err, t, ['phone', 'code'] as const, sent ? 'code' : 'phone'));
      }
    } finally {
      setBusy(false);
    }
  }

  async function verify(e: Event) {
    e.preventDefault();
    if (!sent) return;
    const digits = code.replace(/\D/g, '');
    if (digits.length !== 6) {
      setErrors({ code: t('err_code_format') });
      return;
    }
    setBusy(true);
    setErrors({});
    try {
      const s = await api.verifyOtp(sent.phone, digits);
      setToken(s.token);
      navigate('/');
    } catch (err) {
      setErrors(fieldErrors(err, t, ['code'] as const, 'code'));
      setBusy(false);
    }
  }

  function changePhone() {
    setSent(null);
    setAlreadySent(false);
    setCode('');
    setErrors({});
  }

  return (
    <Layout>
      <section class="card narrow">
        <h1>{t('loginTitle')}</h1>
        {!sent ? (
          <form onSubmit={sendCode} noValidate data-testid="phone-form">
            <p class="muted">{t('loginIntro')}</p>
            <Field
              name="phone"
              label={t('phoneLabel')}
              type="tel"
              inputMode="tel"
              autoComplete="tel"
              placeholder={t('phonePlaceholder')}
              value={phone}
              onInput={(e) => setPhone((e.currentTarget as HTMLInputElement).value)}
              error={errors.phone}
              autoFocus
            />
            <FormError message={errors.form} />
            <button class="btn-primary" type="submit" data-testid="send-code" disabled={busy}>
              {busy ? t('sending') : t('sendCode')}
            </button>
          </form>
        ) : (
          <form onSubmit={verify} noValidate data-testid="code-form">
            <p class="muted">
              {t('codeSentTo')} <strong data-testid="sent-to">{sent.phone}</strong>
            </p>
            {alreadySent && (
              <p class="success" role="status" data-testid="code-already-sent">
                {t('codeAlreadySent')}
              </p>
            )}
            <Field
              name="code"
              label={t('codeLabel')}
              type="text"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9]*"
              maxLength={6}
              value={code}
              onInput={(e) => setCode((e.currentTarget as HTMLInputElement).value.replace(/\D/g, ''))}
              error={errors.code}
              class="code-input"
            />
            <FormError message={errors.form} />
            <button class="btn-primary" type="submit" data-testid="verify-code" disabled={busy}>
              {busy ? t('verifying') : t('verify')}
            </button>
            <div class="row-actions">
              <button
                type="button"
                class="btn-link"
                data-testid="resend-code"
                disabled={busy || resendLeft > 0}
                onClick={() => sendCode()}
              >
                {resendLeft > 0 ? t('resendIn', { s: resendLeft }) : t('resend')}
              </button>
              <button type="button" class="btn-link" data-testid="change-phone" onClick={changePhone}>
                {t('changePhone')}
              </button>
            </div>
          </form>
        )}
      </section>
      <p class="switch-link">
        <a href="/staff-login" data-testid="staff-login-link" onClick={linkClick}>{t('staffLink')}</a>
      </p>
    </Layout>
  );
}
