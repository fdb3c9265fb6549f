// Administrator: create an official / venue-staff / admin account with its jurisdiction
// (national, a province, or a ward inside it; venue staff act for venues and have none). The
// form checks what it can before sending, every field at once, as the server would.
import { useEffect, useState } from 'preact/hooks';
import { api, type Area, type Role } from '../api';
import { useI18n } from '../i18n';
import { Field, FormError, fieldErrors, hasErrors, type FieldErrors } from './ui';
import { AreaSelect } from './AreaSelect';

type Fields = 'username' | 'password' | 'role' | 'jurisdiction';
type Scope = 'national' | 'province' | 'ward';
const ROLES: Role[] = ['official', 'venue_staff', 'admin'];

export function CreateStaffForm(props: { onCreated?: () => void }) {
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('official');
  const [scope, setScope] = useState<Scope>('national');
  const [province, setProvince] = useState('');
  const [ward, setWard] = useState('');
  const [provinces, setProvinces] = useState<Area[]>([]);
  const [wards, setWards] = useState<Area[]>([]);
  const [errors, setErrors] = useState<FieldErrors<Fields>>({});
  const [done, setDone] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (scope !== 'national' && provinces.length === 0) {
      api.provinces().then(setProvinces, (e) => setErrors(fieldErrors(e, t, [], 'jurisdiction')));
    }
  }, [scope]);

  useEffect(() => {
    setWard('');
    setWards([]);
    if (scope === 'ward' && province) {
      api.wards(province).then(setWards, (e) => setErrors(fieldErrors(e, t, [], 'jurisdiction')));
    }
  }, [scope, province]);

  const hasArea = role !== 'venue_staff';

  function jurisdiction(): string {
    if (scope === 'province') return province;
    if (scope === 'ward') return ward;
    return 'national';
  }

  function check(): FieldErrors<Fields> {
    const found: FieldErrors<Fields> = {};
    const name = username.trim();
    if (!name) found.username = t('err_required');
    else if (!/^[a-z0-9._-]{3,64}$/.test(name)) found.username = t('err_invalid_username');
    if (!password) found.password = t('err_required');
    else if ([...password].length < 10) found.password = t('err_weak_password');
    if (hasArea && !jurisdiction()) found.jurisdiction = t('err_required');
    return found;
  }

  async function submit(e: Event) {
    e.preventDefault();
    setDone('');
    const found = check();
    setErrors(found);
    if (hasErrors(found)) return;
    setBusy(true);
    try {
      const u = await api.createStaff({
        username: username.trim(), password, role, ...(hasArea ? { jurisdiction: jurisdiction() } : {}),
      });
      setDone(t('created', { username: u.username, role: t(`role_${u.role}`) }));
      setUsername('');
      setPassword('');
      props.onCreated?.();
    } catch (err) {
      setErrors(fieldErrors(err, t, ['username', 'password', 'role', 'jurisdiction'] as const));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="card" data-testid="create-staff">
      <h2>{t('createStaffTitle')}</h2>
      <form onSubmit={submit} noValidate data-testid="create-staff-form">
        <Field
          name="new-username"
          label={t('usernameLabel')}
          autoComplete="off"
          autoCapitalize="none"
          spellcheck={false}
          value={username}
          onInput={(e) => setUsername((e.currentTarget as HTMLInputElement).value)}
          error={errors.username}
        />
        <Field
          name="new-password"
          label={t('passwordLabel')}
          type="password"
          autoComplete="new-password"
          value={password}
          hint={t('passwordHint')}
          onInput={(e) => setPassword((e.currentTarget as HTMLInputElement).value)}
          error={errors.password}
        />
        <div class={`field${errors.role ? ' has-error' : ''}`}>
          <label for="new-role">{t('roleLabel')}</label>
          <select id="new-role" name="new-role" value={role}
            onChange={(e) => setRole((e.currentTarget as HTMLSelectElement).value as Role)}>
            {ROLES.map((r) => <option value={r}>{t(`role_${r}`)}</option>)}
          </select>
          {errors.role && <p class="field-error" data-testid="error-role" role="alert">{errors.role}</p>}
        </div>
        {hasArea && <div class={`field${errors.jurisdiction ? ' has-error' : ''}`}>
          <label for="new-scope">{t('scopeLabel')}</label>
          <select id="new-scope" name="new-scope" value={scope}
            onChange={(e) => setScope((e.currentTarget as HTMLSelectElement).value as Scope)}>
            <option value="national">{t('jurNational')}</option>
            <option value="province">{t('jurProvince')}</option>
            <option value="ward">{t('jurWard')}</option>
          </select>
        </div>}
        {hasArea && scope !== 'national' && (
          <div class="field">
            <label for="new-province">{t('provinceLabel')}</label>
            <select id="new-province" name="new-province" value={province}
              onChange={(e) => setProvince((e.currentTarget as HTMLSelectElement).value)}>
              <option value="">{t('choose')}</option>
              {provinces.map((p) => <option value={p.code}>{p.name} ({p.code})</option>)}
            </select>
          </div>
        )}
        {hasArea && scope === 'ward' && (
          <AreaSelect id="new-ward" label={t('wardLabel')} areas={wards} value={ward} disabled={!province}
            onChange={setWard} />
        )}
        {errors.jurisdiction && (
          <p class="field-error standalone" data-testid="error-jurisdiction" role="alert">{errors.jurisdiction}</p>
        )}
        <FormError message={errors.form} />
        {done && <p class="success" role="status" data-testid="create-staff-done">{done}</p>}
        <button class="btn-primary" type="submit" data-testid="create-staff-submit" disabled={busy}>
          {busy ? t('creating') : t('create')}
        </button>
      </form>
    </section>
  );
}
