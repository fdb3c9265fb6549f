// Changing one's password: required right after signing in with a one-time password (the
// first administrator's, or one an administrator reset), and open to every staff account.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, getToken, setToken, type Me } from '../api';
import { useI18n } from '../i18n';
import { linkClick, navigate } from '../router';
import { Field, FormError, Layout, fieldErrors, hasErrors, type FieldErrors } from '../components/ui';

type Fields = 'current_password' | 'new_password' | 'repeat_password';
const MIN_LENGTH = 10;

export function ChangePassword() {
  const { t } = useI18n();
  const [me, setMe] = useState<Me | null>(null);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [errors, setErrors] = useState<FieldErrors<Fields>>({});
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!getToken()) { navigate('/staff-login', true); return; }
    api.me().then(setMe, (e) => {
      if (e instanceof ApiError && e.status === 401) { setToken(null); navigate('/staff-login', true); }
    });
  }, []);

  /** Everything the form can tell before asking the server, every field at once. */
  function check(): FieldErrors<Fields> {
    const found: FieldErrors<Fields> = {};
    if (!current) found.current_password = t('err_required');
    if (!next) found.new_password = t('err_required');
    else if ([...next].length < MIN_LENGTH) found.new_password = t('err_weak_password');
    else if (next === current) found.new_password = t('err_same_password');
    if (!repeat) found.repeat_password = t('err_required');
    else if (next && repeat !== next) found.repeat_password = t('err_passwords_differ');
    return found;
  }

  async function submit(e: Event) {
    e.preventDefault();
    const found = check();
    setErrors(found);
    if (hasErrors(found)) return;
    setBusy(true);
    try {
      await api.changePassword(current, next);
      navigate('/?password=changed');
    } catch (err) {
      setErrors(fieldErrors(err, t, ['current_password', 'new_password'] as const));
      setBusy(false);
    }
  }

  const required = me?.must_change_password;
  return (
    <Layout signedIn>
      <section class="card narrow">
        <h1>{t('changePasswordTitle')}</h1>
        {required && <p class="form-error" role="status" data-testid="password-required">{t('changePasswordRequired')}</p>}
        <form onSubmit={submit} noValidate data-testid="password-form">
          <Field name="current_password" type="password" autoComplete="current-password"
            label={required ? t('oneTimePasswordLabel') : t('currentPasswordLabel')} value={current}
            onInput={(e) => setCurrent((e.currentTarget as HTMLInputElement).value)} error={errors.current_password} />
          <Field name="new_password" type="password" autoComplete="new-password" label={t('newPasswordLabel')}
            hint={t('passwordHint')} value={next} onInput={(e) => setNext((e.currentTarget as HTMLInputElement).value)}
            error={errors.new_password} />
          <Field name="repeat_password" type="password" autoComplete="new-password" label={t('repeatPasswordLabel')}
            value={repeat} onInput={(e) => setRepeat((e.currentTarget as HTMLInputElement).value)}
            error={errors.repeat_password} />
          <FormError message={errors.form} />
          <button class="btn-primary" type="submit" data-testid="change-password-submit" disabled={busy}>
            {t('changePasswordSubmit')}
          </button>
        </form>
        {!required && <p><a href="/" onClick={linkClick}>← {t('goHome')}</a></p>}
      </section>
    </Layout>
  );
}
