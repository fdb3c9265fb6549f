// The administrator's home: every account with search (username or phone, role, jurisdiction),
// disable / enable, a new one-time password for a staff member, new staff accounts, and a
// link to change one's own password. Administrators run the system; they are not health
// officials, so nothing here reads personal health data or sends notices.
import { useEffect, useState } from 'preact/hooks';
import { api, type Account, type AccountQuery, type Area, type Jurisdiction, type Me, type Role } from '../api';
import { useI18n, type MessageKey, type Translate } from '../i18n';
import { linkClick } from '../router';
import { ConfirmButton, Field, FormError, errorText } from '../components/ui';
import { CreateStaffForm } from '../components/CreateStaffForm';
import { formatDateTime } from '../lib/dates';

const ROLES: Role[] = ['citizen', 'venue_staff', 'official', 'admin'];

export function jurisdictionText(j: Jurisdiction | null, t: Translate): string {
  if (!j) return t('jurNone');
  if (j.level === 'national') return t('jurNational');
  const level = j.level === 'province' ? t('jurProvince') : t('jurWard');
  const name = j.name ?? '';
  return `${name}${j.code ? ` (${j.code})` : ''} · ${level}`.trim();
}

/** A new one-time password, shown this once. */
interface Revealed {
  id: number;
  name: string;
  password: string;
}

function AccountItem(props: {
  account: Account; self: boolean; onChanged: (a: Account) => void; onRevealed: (r: Revealed) => void;
  onError: (e: unknown) => void;
}) {
  const { t } = useI18n();
  const a = props.account;
  const name = a.username ?? a.phone ?? `#${a.id}`;
  async function act(run: () => Promise<void>) {
    try { await run(); } catch (e) { props.onError(e); }
  }
  const disable = () => act(async () => props.onChanged(await api.setDisabled(a.id, true)));
  const enable = () => act(async () => props.onChanged(await api.setDisabled(a.id, false)));
  const reset = () => act(async () => {
    const r = await api.resetPassword(a.id);
    props.onChanged(r.account);
    props.onRevealed({ id: a.id, name, password: r.one_time_password });
  });
  return (
    <li data-testid={`account-${a.id}`} data-name={name} data-disabled={a.disabled ? 'yes' : 'no'}>
      <div class="person-head">
        <strong>{name}</strong>
        <span class="badge">{t(`role_${a.role}` as MessageKey)}</span>
        {a.disabled && <span class="badge badge-red" data-testid="disabled-badge">{t('accountDisabled')}</span>}
        {a.must_change_password && <span class="badge">{t('mustChangePassword')}</span>}
        {props.self && <span class="badge">{t('yourAccount')}</span>}
      </div>
      <p class="muted small">
        {a.role !== 'citizen' && a.role !== 'venue_staff' && <>{jurisdictionText(a.jurisdiction, t)} · </>}
        {a.last_sign_in_at ? t('lastSignIn', { at: formatDateTime(a.last_sign_in_at) }) : t('neverSignedIn')}
      </p>
      {!props.self && (
        <div class="button-row">
          {a.disabled
            ? <button type="button" class="btn-small" data-testid={`enable-${a.id}`} onClick={enable}>{t('enableAccount')}</button>
            : (
              <ConfirmButton testid={`disable-${a.id}`} class="btn-small danger" danger label={t('disableAccount')}
                confirmLabel={t('disableAccount')} onConfirm={disable}
                message={<><strong>{t('disableConfirmTitle', { name })}</strong> {t('disableConfirmText')}</>} />
            )}
          {a.role !== 'citizen' && (
            <ConfirmButton testid={`reset-${a.id}`} class="btn-small" label={t('resetPassword')}
              confirmLabel={t('resetPassword')} onConfirm={reset}
              message={<><strong>{t('resetConfirmTitle', { name })}</strong> {t('resetConfirmText')}</>} />
          )}
        </div>
      )}
    </li>
  );
}

function AccountSearch(props: { onSearch: (q: AccountQuery) => void }) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const [role, setRole] = useState<Role | ''>('');
  const [jurisdiction, setJurisdiction] = useState('');
  const [provinces, setProvinces] = useState<Area[]>([]);
  useEffect(() => { api.provinces().then(setProvinces, () => setProvinces([])); }, []);
  return (
    <form class="search-row" data-testid="account-search" onSubmit={(e) => {
      e.preventDefault();
      props.onSearch({ q: q.trim(), role, jurisdiction });
    }}>
      <Field name="account-q" label={t('accountSearchLabel')} type="search" value={q} autoCapitalize="none"
        spellcheck={false} onInput={(e) => setQ((e.currentTarget as HTMLInputElement).value)} />
      <div class="field">
        <label for="account-role">{t('roleLabel')}</label>
        <select id="account-role" value={role} onChange={(e) => setRole((e.currentTarget as HTMLSelectElement).value as Role | '')}>
          <option value="">{t('allRoles')}</option>
          {ROLES.map((r) => <option value={r}>{t(`role_${r}` as MessageKey)}</option>)}
        </select>
      </div>
      <div class="field">
        <label for="account-jurisdiction">{t('jurisdiction')}</label>
        <select id="account-jurisdiction" value={jurisdiction}
          onChange={(e) => setJurisdiction((e.currentTarget as HTMLSelectElement).value)}>
          <option value="">{t('allAreas')}</option>
          <option value="national">{t('jurNational')}</option>
          {provinces.map((p) => <option value={p.code}>{p.name}</option>)}
        </select>
      </div>
      <button type="submit" class="btn-primary" data-testid="account-search-submit">{t('search')}</button>
    </form>
  );
}

function Accounts({ me, version }: { me: Me; version: number }) {
  const { t } = useI18n();
  const [query, setQuery] = useState<AccountQuery>({});
  const [accounts, setAccounts] = useState<Account[] | null>(null);
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [revealed, setRevealed] = useState<Revealed | null>(null);

  async function load(q: AccountQuery, before?: number) {
    setError(null);
    try {
      const page = await api.accounts({ ...q, before });
      setAccounts((shown) => (before && shown ? [...shown, ...page.accounts] : page.accounts));
      setNext(page.next_before);
    } catch (e) {
      setError(e);
    }
  }
  useEffect(() => { void load(query); }, [query, version]);
  const replace = (a: Account) => setAccounts((shown) => shown?.map((x) => (x.id === a.id ? a : x)) ?? null);

  return (
    <section class="card" data-testid="accounts">
      <h2>{t('accountsTitle')}</h2>
      <AccountSearch onSearch={(q) => { setRevealed(null); setQuery(q); }} />
      <FormError message={error ? errorText(error, t) : undefined} />
      {revealed && (
        <div class="success" role="status" data-testid="one-time-password-box">
          <p>{t('oneTimePasswordFor', { name: revealed.name })}</p>
          <p><code class="one-time-password" data-testid="one-time-password">{revealed.password}</code></p>
          <p class="small">{t('oneTimePasswordNote')}</p>
        </div>
      )}
      {accounts && accounts.length === 0 && <p class="muted">{t('noMatch')}</p>}
      <ul class="account-list" data-testid="account-list">
        {accounts?.map((a) => (
          <AccountItem account={a} self={a.id === me.id} onChanged={replace} onRevealed={setRevealed} onError={setError} />
        ))}
      </ul>
      {next !== null && (
        <button type="button" class="btn-small" data-testid="accounts-more" onClick={() => load(query, next)}>
          {t('loadMore')}
        </button>
      )}
    </section>
  );
}

export function AdminHome({ me }: { me: Me }) {
  const { t } = useI18n();
  const [version, setVersion] = useState(0);
  return (
    <>
      <section class="card">
        <p>
          <a class="btn-small" href="/password" onClick={linkClick} data-testid="change-own-password">
            {t('changePasswordTitle')}
          </a>
        </p>
      </section>
      <Accounts me={me} version={version} />
      <CreateStaffForm onCreated={() => setVersion((v) => v + 1)} />
    </>
  );
}
