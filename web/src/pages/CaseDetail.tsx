// /cases/{id}: one case for the official who owns it — the person, the infectious window, a
// timeline of check-ins, the F1/F2 lists with counts per venue, and the actions: notify the
// F1, trace again, record F2, export CSV, confirm / dismiss / convert a contact, close the case
// or mark it as recorded in error. Personal data loads only after a reason is given (audited).
// Actions that cannot be undone ask first, saying what happens and to how many people.
import { useEffect, useState } from 'preact/hooks';
import { getToken } from '../api';
import { useI18n, type MessageKey } from '../i18n';
import { linkClick, navigate } from '../router';
import { ConfirmButton, Field, FormError, Layout, errorText } from '../components/ui';
import { monitoringApi } from '../monitoringApi';
import { CaseLocations } from '../components/CaseLocations';
import { download } from '../venuesApi';
import { casesApi, vnDate, vnTime, vnToday, type CaseDetail as Detail, type ContactList } from '../casesApi';

const reasonKey = (id: string) => `kb_case_reason_${id}`;

export function CaseDetail({ caseId }: { caseId: string }) {
  const { t } = useI18n();
  const [reason, setReason] = useState(() => sessionStorage.getItem(reasonKey(caseId)) ?? '');
  const [detail, setDetail] = useState<Detail | null>(null);
  const [degree, setDegree] = useState(1);
  const [contacts, setContacts] = useState<ContactList | null>(null);
  const [error, setError] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [errorReason, setErrorReason] = useState('');

  useEffect(() => {
    if (!getToken()) { navigate('/staff-login', true); return; }
    if (reason) void load();
  }, [caseId]);

  async function load(d = degree) {
    setError('');
    try {
      sessionStorage.setItem(reasonKey(caseId), reason);
      const [c, l] = await Promise.all([casesApi.get(caseId, reason), casesApi.contacts(caseId, d, reason)]);
      setDetail(c);
      setContacts(l);
      setDegree(d);
    } catch (e) {
      setError(errorText(e, t));
    }
  }

  async function act(fn: () => Promise<string | void>) {
    setBusy(true);
    setError('');
    setNote('');
    try {
      const msg = await fn();
      if (msg) setNote(msg);
      await load();
    } catch (e) {
      setError(errorText(e, t));
    } finally {
      setBusy(false);
    }
  }

  const notices = () => act(async () => {
    const r = await casesApi.notices(caseId);
    const sent = t('noticesSent', { sent: r.sent, already: r.already });
    return r.case_sent ? `${sent} ${t('noticesCaseSent')}` : sent;
  });
  const trace = (d: number) => act(async () => {
    const r = await casesApi.trace(caseId, d);
    return t('traced', { f1: r.f1, f1_new: r.f1_new, f2: r.f2 });
  });
  const csv = async () => {
    try {
      await download(`/cases/${caseId}/contacts.csv?degree=${degree}&reason=${encodeURIComponent(reason)}`,
        `case-${caseId}-f${degree}.csv`);
    } catch (e) {
      setError(errorText(e, t));
    }
  };
  const markError = () => act(async () => { await casesApi.markError(caseId, errorReason.trim()); });
  const close = (outcome: 'recovered' | 'died') => act(async () => { await casesApi.close(caseId, outcome); });

  return (
    <Layout signedIn>
      <div class="stack">
        <section class="card">
          <h1>{t('caseTitle', { id: caseId })}</h1>
          <p class="muted">{t('viewReasonIntro')}</p>
          <form class="inline-form" onSubmit={(e) => { e.preventDefault(); void load(); }}>
            <Field name="case-reason" label={t('viewReasonLabel')} value={reason} placeholder={t('viewReasonPlaceholder')}
              onInput={(e) => setReason((e.currentTarget as HTMLInputElement).value)} />
            <button type="submit" class="btn-ghost" data-testid="case-open">{t('caseOpen')}</button>
          </form>
          <FormError message={error} />
          {note && <p class="success" data-testid="case-note">{note}</p>}
        </section>

        {detail && (
          <section class="card" data-testid="case-summary">
            <div class="section-head">
              <h2 class="h-sub">{detail.person?.full_name || detail.person?.phone || `#${detail.person_id}`}</h2>
              <span class="badge" data-testid="case-status">{t(`caseStatus_${detail.status}` as MessageKey)}</span>
            </div>
            <dl class="facts">
              <dt>{t('caseByPhone')}</dt><dd>{detail.person?.phone || '—'}</dd>
              <dt>{t('caseByIdNumber')}</dt><dd>{detail.person?.id_number || '—'}</dd>
              <dt>{t('caseTestedOn')}</dt><dd>{vnDate(detail.test_date)}</dd>
              <dt>{t('caseWindow')}</dt><dd>{vnTime(detail.window.from)} – {vnTime(detail.window.to)}</dd>
              <dt>{t('caseArea')}</dt><dd>{detail.area_name}</dd>
              {detail.notes && <><dt>{t('caseNotesLabel')}</dt><dd>{detail.notes}</dd></>}
            </dl>
            {detail.status !== 'error' && <CaseActions detail={detail} busy={busy} notices={notices} trace={trace}
              close={close} markError={markError} errorReason={errorReason} setErrorReason={setErrorReason} />}
          </section>
        )}

        {detail && (
          <section class="card">
            <h2 class="h-sub">{t('caseTimeline')}</h2>
            {detail.timeline.length === 0 && <p class="muted">{t('caseNoVisits')}</p>}
            <ul class="plain-list" data-testid="case-timeline">
              {detail.timeline.map((s) => (
                <li><strong>{vnTime(s.t_in)} – {vnTime(s.t_out)}</strong> · {s.venue_name} <span class="muted small">({s.venue_area})</span></li>
              ))}
            </ul>
          </section>
        )}

        {detail && detail.status !== 'error' && <CaseLocations caseId={caseId} timeline={detail.timeline} />}

        {contacts && (
          <section class="card" data-testid="contacts">
            <div class="section-head">
              <div class="segmented" role="group">
                {[1, 2].map((d) => (
                  <button type="button" class={degree === d ? 'btn-small active' : 'btn-small'} aria-pressed={degree === d}
                    data-testid={`degree-${d}`} onClick={() => void load(d)}>
                    {d === 1 ? t('contactsF1') : t('contactsF2')}
                  </button>
                ))}
              </div>
              <span class="badge" data-testid="contact-count">{t('contactsCount', { n: contacts.count })}</span>
              <button type="button" class="btn-link" data-testid="contacts-csv" onClick={csv}>{t('exportCsv')}</button>
            </div>
            {contacts.venues.length > 0 && (
              <>
                <h3 class="h-sub">{t('caseByVenue')}</h3>
                <ul class="plain-list" data-testid="contact-venues">
                  {contacts.venues.map((v) => <li>{v.venue_name} <span class="muted small">({v.area_name})</span>: {t('contactsCount', { n: v.contacts })}</li>)}
                </ul>
              </>
            )}
            {contacts.count === 0 && <p class="muted">{t('noContacts')}</p>}
            <ul class="plain-list" data-testid="contact-list">
              {contacts.contacts.map((c) => (
                <li class="card" data-testid={`contact-${c.person_id}`} style="margin-bottom: 0.5rem">
                  <div class="section-head">
                    <strong>{c.full_name || c.phone || `#${c.person_id}`}</strong>
                    {c.phone && <span class="muted small">{c.phone}</span>}
                    <span class="badge">{t(`contactStatus_${c.status}` as MessageKey)}</span>
                    {c.contact?.notified && <span class="badge">{t('contactNotified')}</span>}
                    {c.basis === 'household' && <span class="badge">{t('basis_household')}</span>}
                  </div>
                  {c.via.length > 0 && <p class="muted small">{t('caseVia', { ids: c.via.join(', #') })}</p>}
                  <ul class="plain-list small">
                    {c.exposures.map((e) => (
                      <li>{e.venue_name}: {vnTime(e.contact_in)} – {vnTime(e.contact_out)} · {t('overlapMinutes', { n: e.overlap_minutes })}</li>
                    ))}
                  </ul>
                  {c.contact && (c.status === 'pending' || c.status === 'confirmed' || c.status === 'dismissed') && (
                    <div class="button-row">
                      {c.status !== 'confirmed' && <button type="button" class="btn-small" disabled={busy} onClick={() => void act(async () => { await casesApi.decide(c.contact!.id, 'confirm'); })}>{t('contactConfirm')}</button>}
                      {c.status !== 'dismissed' && <button type="button" class="btn-small" disabled={busy} onClick={() => void act(async () => { await casesApi.decide(c.contact!.id, 'dismiss'); })}>{t('contactDismiss')}</button>}
                      {degree === 1 && c.status !== 'dismissed' && (
                        <button type="button" class="btn-small" disabled={busy} data-testid={`place-f1-${c.person_id}`}
                          onClick={() => void act(async () => {
                            const placed = await monitoringApi.placeForContact(c.contact!.id);
                            return t('monPlaced', { n: placed.orders[0]?.days_left ?? 0 });
                          })}>{t('monPlaceF1')}</button>
                      )}
                      <button type="button" class="btn-small" disabled={busy} onClick={() => void act(async () => {
                        const k = await casesApi.convert(c.contact!.id, vnToday());
                        navigate(`/cases/${k.id}`);
                      })}>{t('contactConvert')}</button>
                    </div>
                  )}
                </li>
              ))}
            </ul>
          </section>
        )}
        <p class="switch-link"><a href="/cases" onClick={linkClick}>{t('back')}</a></p>
      </div>
    </Layout>
  );
}

/** The actions on a case; the ones that cannot be undone ask first. */
function CaseActions(props: {
  detail: Detail;
  busy: boolean;
  notices: () => unknown;
  trace: (degree: number) => unknown;
  close: (outcome: 'recovered' | 'died') => unknown;
  markError: () => unknown;
  errorReason: string;
  setErrorReason: (s: string) => void;
}) {
  const { t } = useI18n();
  const { detail: d, busy } = props;
  const name = d.person?.full_name || d.person?.phone || `#${d.person_id}`;
  const own = d.notices.case_sent ? 0 : 1;
  const reach = own + d.notices.to_send;
  const contacts = (d.contact_counts.f1.total ?? 0) + (d.contact_counts.f2.total ?? 0);
  const recalled = d.notices.sent + (d.notices.case_sent ? 1 : 0);
  const active = d.status === 'active';
  return (
    <div class="button-row" style="margin-top: 1rem">
      <ConfirmButton testid="send-notices" class="btn-primary" disabled={busy} label={t('sendNotices')}
        message={t('confirmNotices', { n: reach, own: own ? t('confirmNoticesOwn') : '', f1: d.notices.to_send })}
        confirmLabel={t('confirmNoticesGo', { n: reach })} onConfirm={props.notices} />
      <button type="button" class="btn-ghost" disabled={busy} data-testid="trace-again" onClick={() => void props.trace(1)}>{t('traceAgain')}</button>
      <button type="button" class="btn-ghost" disabled={busy} data-testid="record-f2" onClick={() => void props.trace(2)}>{t('recordF2')}</button>
      {active && (
        <ConfirmButton testid="close-recovered" disabled={busy} label={t('closeRecovered')}
          message={t('confirmRecovered', { id: d.id, name })} confirmLabel={t('confirmClose')}
          onConfirm={() => props.close('recovered')} />
      )}
      {active && (
        <ConfirmButton testid="close-died" disabled={busy} danger label={t('closeDied')}
          message={t('confirmDied', { id: d.id, name })} confirmLabel={t('confirmClose')}
          onConfirm={() => props.close('died')} />
      )}
      <ConfirmButton testid="mark-error" disabled={busy} danger label={t('markError')}
        message={t('confirmError', { id: d.id, contacts, notices: recalled })} confirmLabel={t('confirmErrorGo')}
        confirmDisabled={!props.errorReason.trim()} onConfirm={props.markError}>
        <Field name="error-reason" label={t('errorReasonPrompt')} value={props.errorReason}
          onInput={(e) => props.setErrorReason((e.currentTarget as HTMLInputElement).value)} />
      </ConfirmButton>
    </div>
  );
}
