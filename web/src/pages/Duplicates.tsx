// /duplicates: the official's queue of records that may be one person (identity/candidates.h).
// Nothing personal shows before a reason is given; each pair shows both records side by side,
// with how they compare, and is merged (undoable) or dismissed with a reason.
import { useEffect, useState } from 'preact/hooks';
import { getToken } from '../api';
import { useI18n, type MessageKey } from '../i18n';
import { linkClick, navigate } from '../router';
import { ConfirmButton, Field, FormError, Layout, errorText } from '../components/ui';
import { identityApi, type Candidate, type CandidateFile, type Evidence, type PersonSummary, type Side } from '../identityApi';
import { vnDate } from '../casesApi';

export function Duplicates() {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const [decision, setDecision] = useState('');
  const [pairs, setPairs] = useState<Candidate[] | null>(null);
  const [files, setFiles] = useState<Record<number, CandidateFile>>({});
  const [error, setError] = useState('');
  const [note, setNote] = useState('');
  const [undo, setUndo] = useState<number | null>(null);

  useEffect(() => {
    if (!getToken()) navigate('/staff-login', true);
  }, []);

  async function load() {
    setError('');
    try {
      setPairs((await identityApi.queue(reason.trim())).candidates);
    } catch (e) {
      setError(errorText(e, t));
    }
  }

  async function details(id: number) {
    try {
      const f = await identityApi.file(id, reason.trim());
      setFiles((all) => ({ ...all, [id]: f }));
    } catch (e) {
      setError(errorText(e, t));
    }
  }

  async function act(what: () => Promise<string>) {
    setError('');
    setNote('');
    if (decision.trim().length < 3) { setError(t('dupReasonNeeded')); return; }
    try {
      setNote(await what());
      await load();
    } catch (e) {
      setError(errorText(e, t));
    }
  }

  const merge = (id: number) => act(async () => {
    const m = await identityApi.merge(id, decision.trim());
    setUndo(m.id);
    return t('dupMerged', { id: m.survivor_id, n: m.changes });
  });
  const dismiss = (id: number) => act(async () => {
    await identityApi.dismiss(id, decision.trim());
    return t('dupDismissed', { id });
  });
  const unmerge = (mergeId: number) => act(async () => {
    const m = await identityApi.unmerge(mergeId, decision.trim());
    setUndo(null);
    return t('dupUnmerged', { n: m.restored ?? 0 });
  });

  return (
    <Layout signedIn>
      <div class="stack">
        <section class="card">
          <h1>{t('dupTitle')}</h1>
          <p class="muted">{t('dupIntro')}</p>
          <form class="inline-form" onSubmit={(e) => { e.preventDefault(); void load(); }}>
            <Field name="dup-reason" label={t('viewReasonLabel')} value={reason} placeholder={t('viewReasonPlaceholder')}
              onInput={(e) => setReason((e.currentTarget as HTMLInputElement).value)} />
            <button type="submit" class="btn-ghost" data-testid="dup-open">{t('dupOpen')}</button>
          </form>
          <FormError message={error} />
          {note && <p class="success" data-testid="dup-note">{note}</p>}
          {undo !== null && (
            <ConfirmButton testid="dup-unmerge" label={t('dupUnmerge')} message={t('dupUnmergeAsk')}
              confirmLabel={t('dupUnmerge')} onConfirm={() => void unmerge(undo)} />
          )}
        </section>
        {pairs && (
          <section class="card">
            <Field name="dup-decision" label={t('dupDecisionReason')} value={decision} placeholder={t('dupDecisionPlaceholder')}
              onInput={(e) => setDecision((e.currentTarget as HTMLInputElement).value)} />
            {pairs.length === 0 && <p class="muted" data-testid="dup-empty">{t('dupEmpty')}</p>}
          </section>
        )}
        {pairs?.map((p) => (
          <section class="card" data-testid={`pair-${p.id}`}>
            <p class="muted">{t('dupRule')}: <strong>{ruleText(t, p.rule)}</strong></p>
            {p.evidence && <EvidenceChips e={p.evidence} />}
            <div class="pair-grid">
              <Summary title={t('dupNewer')} p={files[p.id]?.person ?? p.person} />
              <Summary title={t('dupOlder')} p={files[p.id]?.match ?? p.match} />
            </div>
            <div class="button-row">
              {!files[p.id] && (
                <button type="button" class="btn-small" data-testid={`pair-details-${p.id}`} onClick={() => void details(p.id)}>
                  {t('dupDetails')}
                </button>
              )}
              <ConfirmButton testid={`merge-${p.id}`} class="btn-small primary" label={t('dupMerge')} message={t('dupMergeAsk')}
                confirmLabel={t('dupMergeConfirm')} onConfirm={() => void merge(p.id)} />
              <ConfirmButton testid={`dismiss-${p.id}`} class="btn-small" label={t('dupDismiss')} message={t('dupDismissAsk')}
                confirmLabel={t('dupDismissConfirm')} onConfirm={() => void dismiss(p.id)} />
            </div>
          </section>
        ))}
        <p class="switch-link"><a href="/cases" onClick={linkClick}>{t('featCases')}</a> · <a href="/" onClick={linkClick}>{t('back')}</a></p>
      </div>
    </Layout>
  );
}

type T = ReturnType<typeof useI18n>['t'];

function ruleText(t: T, rule: string) {
  const known = ['name_birth', 'name_phone', 'shared_identifier', 'claimed_identifier'];
  return t(`dupRule_${known.includes(rule) ? rule : 'other'}` as MessageKey);
}

function EvidenceChips(props: { e: Evidence }) {
  const { t } = useI18n();
  const rows: [string, string][] = [
    [t('fullNameLabel'), props.e.name], [t('dupBirth'), props.e.birth_date], [t('dupSex'), props.e.sex],
    [t('dupWard'), props.e.ward], [t('dupPhone'), props.e.phone],
  ];
  return (
    <ul class="plain-list evidence" data-testid="pair-evidence">
      {rows.map(([label, v]) => <li class={`agree-${v}`}>{label}: {t(`dupAgree_${v}` as MessageKey)}</li>)}
    </ul>
  );
}

function Summary(props: { title: string; p: PersonSummary | Side }) {
  const { t } = useI18n();
  const p = props.p;
  const side = 'counts' in p ? (p as Side) : null;
  return (
    <div class="pair-side" data-testid={`pair-person-${p.id}`}>
      <p class="muted">{props.title} #{p.id}</p>
      <p><strong>{p.full_name || '—'}</strong></p>
      <p>{t('dupBirth')}: {p.birth_date ? vnDate(p.birth_date) : '—'}</p>
      <p>{t('dupSex')}: {p.sex ?? '—'}</p>
      <p>{t('dupPhone')}: {p.phone ?? '—'}</p>
      <p>{t('dupIdNumber')}: {p.id_number ?? '—'}</p>
      <p>{t('dupWard')}: {p.ward_code ?? '—'}</p>
      {side && (
        <>
          <p>{t('dupIdentifiers')}: {side.identifiers.map((i) => `${i.kind.toUpperCase()} ${i.number}`).join(', ') || '—'}</p>
          <p data-testid="pair-colour">{t('dupColour')}: {t(`door_reason_${side.status.reason}` as MessageKey)}</p>
          <p>{t('dupCounts', side.counts)}</p>
          {side.account_holder && <p class="badge">{t('dupAccount')}</p>}
          {!side.account_holder && side.managed && <p class="badge">{t('dupManaged')}</p>}
        </>
      )}
    </div>
  );
}
