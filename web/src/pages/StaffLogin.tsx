// Sign-in for officials, venue staff and administrators: username + password.
import { useEffect, useState } from 'preact/hooks';
import { api, getToken, setToken } from '../api';
import { useI18n } from '../i18n';
import { linkClick, navigate } from '../router';
import { Field, FormError, Layout, fieldErrors, type FieldErrors } from '../components/ui';

type Fields = 'username' | 'password';

export function StaffLogin() {
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FieldErrors<Fields>>({});
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (getToken()) navigate('/', true);
  }, []);

  async function submit(e: Event) {
    e.preventDefault();
    const missing: FieldErrors<Fields> = {};
    if (!username.trim()) missing.username = t('err_required');
    if (!password) missing.password = t('err_required');
    if (missing.username || missing.password) {
      setErrors(missing);
      return;
    }
    setBusy(true);
    setErrors({});
    try {
      const s = await api.login(username.trim(), password);
      setToken(s.token);
      // A one-time password (the first administrator's, or one an administrator reset) is
      // changed before anything else: the server refuses everything else until then.
      navigate(s.user.must_change_password ? '/password' : '/');
    } catch (err) {
      setErrors(fieldErrors(err, t, ['username', 'password'] as const));
      setBusy(false);
    }
  }

  return (
    <Layout>
      <section class="card narrow">
        <h1>{t('staffLoginTitle')}</h1>
        <p class="muted">{t('staffLoginIntro')}</p>
        <form onSubmit={submit} noValidate data-testid="staff-login-form">
          <Field
            name="username"
            label={t('usernameLabel')}
            type="text"
            autoComplete="username"
            autoCapitalize="none"
            spellcheck={false}
            value={username}
            onInput={(e) => setUsername((e.currentTarget as HTMLInputElement).value)}
            error={errors.username}
            autoFocus
          />
          <Field
            name="password"
            label={t('passwordLabel')}
            type="password"
            autoComplete="current-password"
            value={password}
            onInput={(e) => setPassword((e.currentTarget as HTMLInputElement).value)}
            error={errors.password}
          />
          <FormError message={errors.form} />
          <button class="btn-primary" type="submit" data-testid="staff-sign-in" disabled={busy}>
            {t('signIn')}
          </button>
        </form>
      </section>
      <p class="switch-link">
        <a href="/login" data-testid="citizen-login-link" onClick={linkClick}>{t('citizenLink')}</a>
      </p>
    </Layout>
  );
}
