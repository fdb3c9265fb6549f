// Vaccination pages. Officials: /vaccination (campaigns, a new one), /vaccination/{id} (sites,
// slots, fill rates, the list from an imported file or by id, sending invitations). Citizens:
// /invitation/{token} (the screening at home, confirm / another slot / decline) and
// /health-book (invitations, doses and certificate QR codes, kept for use offline). Site staff:
// /vaccination/site (their sites) and /vaccination/site/{venueId} (scan, screening, dose, the
// observation timer, reactions).
import { useEffect, useState } from 'preact/hooks';
import { ApiError, getToken } from '../api';
import { useI18n, type MessageKey } from '../i18n';
import { linkClick, navigate } from '../router';
import { ConfirmButton, Field, FormError, Layout, errorText } from '../components/ui';
import { QrCamera } from '../components/QrCamera';
import { formatDate, formatDateTime, formatTime } from '../lib/dates';
import { cacheBook, cachedBook, type BookEntry } from '../lib/healthBook';
import { registerServiceWorker } from '../lib/personalQr';
import { declarationsApi } from '../api-declarations';
import { venuesApi, type Venue } from '../venuesApi';
import {
  PRODUCTS, QUESTIONS, vaccinationApi, type Answers, type Campaign, type Dose, type Flag, type ImportState, type Invitation,
} from '../vaccinationApi';

const value = (e: Event) => (e.currentTarget as HTMLInputElement).value;
/** A name whose hyphens do not break a line ("COVID-19" stays one word on a phone). */
const nb = (text: string) => text.replace(/-/g, '\u2011');

function useSignedIn(to = '/staff-login') {
  useEffect(() => { if (!getToken()) navigate(to, true); }, []);
}

function Figures({ c }: { c: Campaign }) {
  const { t } = useI18n();
  const f = c.figures;
  const rows: [MessageKey, number, string][] = [
    ['figListed', f.listed, 'listed'], ['figInvited', f.invited, 'invited'], ['figConfirmed', f.confirmed, 'confirmed'],
    ['figDeclined', f.declined, 'declined'], ['figVaccinated', f.vaccinated, 'vaccinated'],
    ['figUnassigned', f.unassigned, 'unassigned'], ['figFlagged', f.flagged, 'flagged'],
  ];
  return (
    <dl class="facts">
      {rows.map(([key, n, id]) => <><dt>{t(key)}</dt><dd data-testid={`fig-${id}`}>{n}</dd></>)}
    </dl>
  );
}

function FillRates({ c }: { c: Campaign }) {
  const { t } = useI18n();
  const siteName = (id: number) => c.sites.find((s) => s.venue_id === id)?.name ?? `#${id}`;
  return (
    <ul class="plain-list" data-testid="fill-list">
      {c.fill.map((f) => (
        <li data-testid={`fill-${f.venue_id}-${f.day}`}>
          <strong>{siteName(f.venue_id)}</strong> · {formatDate(f.day)}:{' '}
          {t('fillRow', { booked: f.booked, capacity: f.capacity, rate: `${Math.round(f.rate * 100)} %` })}
          <ul class="small muted">
            {c.slots.filter((s) => s.venue_id === f.venue_id && s.day === f.day).map((s) => (
              <li data-testid={`slot-${s.id}`}>{formatTime(s.starts_at)}–{formatTime(s.ends_at)}: {s.booked}/{s.capacity}</li>
            ))}
          </ul>
        </li>
      ))}
    </ul>
  );
}

/** /vaccination: the official's campaigns and a new one. */
export function Campaigns() {
  const { t } = useI18n();
  useSignedIn();
  const [list, setList] = useState<Campaign[] | null>(null);
  const [error, setError] = useState('');
  const [name, setName] = useState('');
  const [products, setProducts] = useState<string[]>([PRODUCTS[0]]);
  const [groups, setGroups] = useState('');
  const [doses, setDoses] = useState('2');
  useEffect(() => {
    if (getToken()) vaccinationApi.campaigns().then((r) => setList(r.campaigns), (e) => setError(errorText(e, t)));
  }, []);
  async function create(e: Event) {
    e.preventDefault();
    setError('');
    try {
      const c = await vaccinationApi.create({
        name, products, total_doses: Number(doses) || 2,
        priority_groups: groups.split(',').map((g) => g.trim()).filter(Boolean),
      });
      navigate(`/vaccination/${c.id}`);
    } catch (err) {
      setError(errorText(err, t));
    }
  }
  const toggle = (p: string) => setProducts(products.includes(p) ? products.filter((x) => x !== p) : [...products, p]);
  return (
    <Layout signedIn>
      <div class="stack">
        <form class="card" onSubmit={create} data-testid="new-campaign">
          <h1>{t('newCampaignTitle')}</h1>
          <Field name="campaign-name" label={t('campaignName')} value={name} required onInput={(e) => setName(value(e))} />
          <fieldset class="field">
            <legend>{t('campaignProducts')}</legend>
            {PRODUCTS.map((p) => (
              <label class="check"><input type="checkbox" checked={products.includes(p)} onChange={() => toggle(p)}
                data-testid={`product-${p}`} /> {p}</label>
            ))}
          </fieldset>
          <Field name="campaign-groups" label={t('campaignGroups')} value={groups} onInput={(e) => setGroups(value(e))} />
          <Field name="campaign-doses" label={t('campaignTotalDoses')} type="number" min={1} max={9} value={doses}
            onInput={(e) => setDoses(value(e))} />
          <FormError message={error} />
          <button type="submit" class="primary" data-testid="create-campaign">{t('createCampaign')}</button>
        </form>
        <section class="card">
          <h1>{t('campaignsTitle')}</h1>
          {list && list.length === 0 && <p class="muted">{t('noCampaigns')}</p>}
          <ul class="plain-list" data-testid="campaign-list">
            {(list ?? []).map((c) => (
              <li data-testid={`campaign-${c.id}`}>
                <a href={`/vaccination/${c.id}`} onClick={linkClick}><strong>{nb(c.name)}</strong></a>
                <p class="small muted">{t('figListed')}: {c.figures.listed} · {t('figInvited')}: {c.figures.invited} ·{' '}
                  {t('figVaccinated')}: {c.figures.vaccinated}</p>
              </li>
            ))}
          </ul>
        </section>
      </div>
    </Layout>
  );
}

/** /vaccination/{id}: one campaign. */
export function CampaignPage({ campaignId }: { campaignId: string }) {
  const { t } = useI18n();
  useSignedIn();
  const [c, setC] = useState<Campaign | null>(null);
  const [error, setError] = useState('');
  const [note, setNote] = useState('');
  useEffect(() => {
    if (getToken()) vaccinationApi.campaign(campaignId).then(setC, (e) => setError(errorText(e, t)));
  }, [campaignId]);
  async function act(f: () => Promise<string | void>) {
    setError('');
    setNote('');
    try {
      const text = await f();
      // The note shows with the figures it speaks of, not before they reload.
      setC(await vaccinationApi.campaign(campaignId));
      if (text) setNote(text);
    } catch (e) {
      setError(errorText(e, t));
    }
  }
  if (!c) return <Layout signedIn><FormError message={error} />{!error && <p class="muted">{t('loading')}</p>}</Layout>;
  return (
    <Layout signedIn>
      <div class="stack">
        <section class="card">
          <h1 data-testid="campaign-name">{nb(c.name)}</h1>
          <p class="small muted">{c.products.join(', ')} · {c.priority_groups.join(' › ')}</p>
          <Figures c={c} />
          {note && <p class="success" role="status" data-testid="campaign-note">{note}</p>}
          <FormError message={error} />
          <ConfirmButton testid="send-invitations" class="primary" label={t('sendInvitations')}
            message={t('sendInvitationsConfirm')} confirmLabel={t('sendInvitations')}
            onConfirm={() => act(async () => {
              const r = await vaccinationApi.invite(c.id);
              return t('invitationsSent', { invited: r.invited, unassigned: r.unassigned });
            })} />
        </section>
        <SitesAndSlots c={c} act={act} />
        <ListForm c={c} act={act} />
        <section class="card">
          <h2>{t('fillTitle')}</h2>
          <FillRates c={c} />
        </section>
      </div>
    </Layout>
  );
}

type Act = (f: () => Promise<string | void>) => Promise<void>;

function SitesAndSlots({ c, act }: { c: Campaign; act: Act }) {
  const { t } = useI18n();
  const [code, setCode] = useState('');
  const [site, setSite] = useState('');
  const [day, setDay] = useState('');
  const [start, setStart] = useState('08:00');
  const [end, setEnd] = useState('09:00');
  const [capacity, setCapacity] = useState('50');
  const venueId = Number(site) || c.sites[0]?.venue_id;
  return (
    <section class="card">
      <h2>{t('sitesTitle')}</h2>
      <ul class="plain-list" data-testid="site-list">
        {c.sites.map((s) => <li data-testid={`site-${s.venue_id}`}>{s.name} · <span class="muted">{s.street}</span></li>)}
      </ul>
      <form onSubmit={(e) => { e.preventDefault(); void act(async () => { await vaccinationApi.addSite(c.id, code.trim()); setCode(''); }); }}>
        <Field name="site-code" label={t('siteCode')} value={code} required onInput={(e) => setCode(value(e))} />
        <button type="submit" data-testid="add-site">{t('addSite')}</button>
      </form>
      {c.sites.length > 0 && (
        <form data-testid="slot-form" onSubmit={(e) => {
          e.preventDefault();
          void act(() => vaccinationApi.addSlots(c.id, [{ venue_id: venueId, day, start, end, capacity: Number(capacity) }]).then(() => undefined));
        }}>
          <h2>{t('slotsTitle')}</h2>
          <div class="field">
            <label for="slot-site">{t('slotSite')}</label>
            <select id="slot-site" value={String(venueId)} onChange={(e) => setSite((e.currentTarget as HTMLSelectElement).value)}>
              {c.sites.map((s) => <option value={String(s.venue_id)}>{s.name}</option>)}
            </select>
          </div>
          <Field name="slot-day" label={t('slotDay')} value={day} required placeholder="2027-01-15" onInput={(e) => setDay(value(e))} />
          <Field name="slot-start" label={t('slotStart')} value={start} required onInput={(e) => setStart(value(e))} />
          <Field name="slot-end" label={t('slotEnd')} value={end} required onInput={(e) => setEnd(value(e))} />
          <Field name="slot-capacity" label={t('slotCapacity')} type="number" min={1} value={capacity} onInput={(e) => setCapacity(value(e))} />
          <button type="submit" data-testid="add-slot">{t('addSlot')}</button>
        </form>
      )}
    </section>
  );
}

function ListForm({ c, act }: { c: Campaign; act: Act }) {
  const { t } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [importId, setImportId] = useState('');
  const [ids, setIds] = useState('');
  const [group, setGroup] = useState('');
  // Why an import cannot be listed yet: still running, cut off by a server stopping, or failed.
  const [importNote, setImportNote] = useState('');
  const stateText = (i: ImportState) => {
    const figures = { id: i.id, total: i.counts.total, created: i.people.created };
    if (i.state === 'importing') return t('importRunning', figures);
    if (i.failure === 'interrupted') return t('importInterrupted', figures);
    return t('importFailed', { ...figures, reason: i.failure ?? '' });
  };
  return (
    <section class="card">
      <h2>{t('listTitle')}</h2>
      <form onSubmit={(e) => {
        e.preventDefault();
        if (!file) return;
        setImportNote('');
        void act(async () => {
          const done = await vaccinationApi.upload(await file.text(), file.name).catch((err: unknown) => {
            if (err instanceof ApiError && err.code === 'network') setImportNote(t('importLost'));
            throw err;
          });
          const listed = await vaccinationApi.listImport(c.id, done.id);
          return t('listImported', { ...done.counts, added: listed.added });
        });
      }}>
        <div class="field">
          <label for="list-file">{t('listFile')}</label>
          <input id="list-file" type="file" accept=".csv,text/csv" data-testid="list-file"
            onChange={(e) => setFile((e.currentTarget as HTMLInputElement).files?.[0] ?? null)} />
        </div>
        <button type="submit" data-testid="upload-list" disabled={!file}>{t('listUpload')}</button>
      </form>
      <form onSubmit={(e) => {
        e.preventDefault();
        setImportNote('');
        void act(async () => {
          const imp = await vaccinationApi.importOf(Number(importId));
          if (imp.state !== 'done') { setImportNote(stateText(imp)); return; }
          return t('listAdded', { ...(await vaccinationApi.listImport(c.id, imp.id)) });
        });
      }}>
        <Field name="import-id" label={t('listImportId')} type="number" min={1} value={importId} onInput={(e) => setImportId(value(e))} />
        <button type="submit" data-testid="attach-import" disabled={!importId}>{t('listAttach')}</button>
      </form>
      {importNote && <p class="form-error" role="status" data-testid="import-state">{importNote}</p>}
      <form onSubmit={(e) => {
        e.preventDefault();
        const list = ids.split(/[,\s]+/).map(Number).filter((n) => n > 0);
        void act(async () => t('listAdded', { ...(await vaccinationApi.listPeople(c.id, list, group.trim())) }));
      }}>
        <Field name="person-ids" label={t('listPeopleIds')} value={ids} onInput={(e) => setIds(value(e))} />
        <Field name="person-group" label={t('listGroup')} value={group} onInput={(e) => setGroup(value(e))} />
        <button type="submit" data-testid="add-people" disabled={!ids.trim()}>{t('listAdd')}</button>
      </form>
    </section>
  );
}

function FlagList({ flags }: { flags: Flag[] }) {
  const { t } = useI18n();
  if (flags.length === 0) return <p class="success" data-testid="no-flags">{t('screeningNoFlags')}</p>;
  return (
    <div class="flagged" data-testid="flags">
      <p><strong>{t('screeningFlagged')}</strong></p>
      <ul>
        {flags.map((f) => (
          <li class={`flag flag-${f.concern}`} data-testid={`flag-${f.key}`}>
            {f.key === 'temperature' ? t('flag_temperature') : t(`q_${f.key}` as MessageKey)} — {t(`concern_${f.concern}` as MessageKey)}
          </li>
        ))}
      </ul>
    </div>
  );
}

function ScreeningAnswers({ inv }: { inv: Invitation }) {
  const { t } = useI18n();
  if (!inv.screening) return <p class="muted">—</p>;
  const flagged = new Set(inv.flags.map((f) => f.key));
  return (
    <dl class="facts screening">
      {QUESTIONS.map((q) => (
        <><dt class={flagged.has(q) ? 'flag' : ''}>{t(`q_${q}` as MessageKey)}</dt>
          <dd class={flagged.has(q) ? 'flag' : ''} data-testid={`answer-${q}`}>{inv.screening![q] ? t('answerYes') : t('answerNo')}</dd></>
      ))}
      {inv.screening.temperature_c != null && (
        <><dt class={flagged.has('temperature') ? 'flag' : ''}>{t('q_temperature')}</dt><dd>{String(inv.screening.temperature_c)}</dd></>
      )}
    </dl>
  );
}

function Appointment({ inv }: { inv: Invitation }) {
  const { t } = useI18n();
  return (
    <dl class="facts">
      <dt>{t('invitationWhere')}</dt>
      <dd data-testid="invitation-site">{inv.site ? `${inv.site.name}, ${inv.site.street}` : '—'}</dd>
      <dt>{t('invitationWhen')}</dt>
      <dd data-testid="invitation-time">{inv.slot ? `${formatDate(inv.slot.starts_at)} ${formatTime(inv.slot.starts_at)}–${formatTime(inv.slot.ends_at)}` : t('invitationNoSlot')}</dd>
    </dl>
  );
}

/** /invitation/{token}: the citizen's invitation, screening and reply. */
export function InvitationPage({ token }: { token: string }) {
  const { t } = useI18n();
  const [inv, setInv] = useState<Invitation | null>(null);
  const [answers, setAnswers] = useState<Answers>({});
  const [temperature, setTemperature] = useState('');
  const [error, setError] = useState('');
  const [note, setNote] = useState('');
  useEffect(() => {
    vaccinationApi.invitation(token).then((i) => {
      setInv(i);
      if (i.screening) setAnswers(i.screening);
    }, (e) => setError(errorText(e, t)));
  }, [token]);
  async function run(f: () => Promise<Invitation>, done: MessageKey) {
    setError('');
    setNote('');
    try {
      setInv(await f());
      setNote(t(done));
    } catch (e) {
      setError(errorText(e, t));
    }
  }
  const complete = QUESTIONS.every((q) => typeof answers[q] === 'boolean');
  if (!inv) return <Layout><FormError message={error} />{!error && <p class="muted">{t('loading')}</p>}</Layout>;
  return (
    <Layout>
      <div class="stack">
        <section class="card">
          <h1>{t('invitationTitle')}</h1>
          <p><strong data-testid="invitation-name">{t('invitationFor', { name: inv.full_name })}</strong> · {nb(inv.campaign.name)}</p>
          <p class="small" data-testid="invitation-status" data-status={inv.status}>{t(`status_${inv.status}` as MessageKey)}</p>
          <Appointment inv={inv} />
          {inv.qr_svg && (
            <figure class="qr-card">
              <div class="qr-image" role="img" aria-label={inv.qr} data-testid="invitation-qr" data-payload={inv.qr}
                dangerouslySetInnerHTML={{ __html: inv.qr_svg }} />
              <figcaption class="small muted">{t('invitationQrHint')}</figcaption>
            </figure>
          )}
        </section>
        <form class="card" data-testid="screening-form" onSubmit={(e) => {
          e.preventDefault();
          const body: Answers = { ...answers, temperature_c: temperature ? Number(temperature.replace(',', '.')) : null };
          void run(() => vaccinationApi.screening(token, body), 'screeningSaved');
        }}>
          <h2>{t('screeningTitle')}</h2>
          <p class="small muted">{t('screeningIntro')}</p>
          {QUESTIONS.map((q) => (
            <fieldset class="field yes-no" data-testid={`q-${q}`}>
              <legend>{t(`q_${q}` as MessageKey)}</legend>
              <label class="check"><input type="radio" name={q} checked={answers[q] === true}
                onChange={() => setAnswers({ ...answers, [q]: true })} data-testid={`q-${q}-yes`} /> {t('answerYes')}</label>
              <label class="check"><input type="radio" name={q} checked={answers[q] === false}
                onChange={() => setAnswers({ ...answers, [q]: false })} data-testid={`q-${q}-no`} /> {t('answerNo')}</label>
            </fieldset>
          ))}
          <Field name="temperature" label={t('q_temperature')} inputMode="decimal" value={temperature}
            onInput={(e) => setTemperature(value(e))} />
          <button type="submit" class="primary" disabled={!complete} data-testid="save-screening">{t('saveScreening')}</button>
          {inv.screening && <FlagList flags={inv.flags} />}
        </form>
        <section class="card">
          {note && <p class="success" role="status" data-testid="invitation-note">{note}</p>}
          <FormError message={error} />
          {inv.status !== 'vaccinated' && (
            <div class="button-row">
              <button type="button" class="primary" data-testid="reply-confirm"
                onClick={() => run(() => vaccinationApi.reply(token, 'confirm'), 'replied_confirmed')}>{t('replyConfirm')}</button>
              <button type="button" data-testid="reply-another"
                onClick={() => run(() => vaccinationApi.reply(token, 'another_slot'), 'replied_moved')}>{t('replyAnother')}</button>
              <ConfirmButton testid="reply-decline" class="btn-small danger" danger label={t('replyDecline')}
                message={t('replyDeclineConfirm')} confirmLabel={t('replyDecline')}
                onConfirm={() => run(() => vaccinationApi.reply(token, 'decline'), 'replied_declined')} />
            </div>
          )}
        </section>
      </div>
    </Layout>
  );
}

/** /vaccination/site: the sites (hospitals) this account works at. */
export function SiteDeskPick() {
  const { t } = useI18n();
  useSignedIn();
  const [venues, setVenues] = useState<Venue[] | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    if (getToken()) venuesApi.list().then((r) => setVenues(r.venues.filter((v) => v.kind === 'hospital' || v.kind === 'vaccination_site')), (e) => setError(errorText(e, t)));
  }, []);
  return (
    <Layout signedIn>
      <section class="card">
        <h1>{t('siteDeskTitle')}</h1>
        <FormError message={error} />
        {venues && venues.length === 0 && <p class="muted">{t('siteDeskNoSites')}</p>}
        {venues && venues.length > 0 && <p>{t('siteDeskPick')}</p>}
        <ul class="plain-list">
          {(venues ?? []).map((v) => (
            <li><a href={`/vaccination/site/${v.id}`} onClick={linkClick} data-testid={`desk-${v.id}`}>{v.name}</a></li>
          ))}
        </ul>
      </section>
    </Layout>
  );
}

/** The 30-minute observation after a dose, counted down on the page. */
function ObservationTimer({ until }: { until: string }) {
  const { t } = useI18n();
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const left = Math.max(0, Math.round((Date.parse(until) - now) / 1000));
  const mmss = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
  return (
    <div class="observation" data-testid="observation" data-left={left}>
      <h2>{t('observeTitle')}</h2>
      <p class="timer" role="timer" aria-live="off">{left > 0 ? t('observeLeft', { time: mmss }) : t('observeDone')}</p>
    </div>
  );
}

/** /vaccination/site/{venueId}: scan, screening, the dose, the timer, reactions. */
export function SiteDesk({ venueId }: { venueId: string }) {
  const { t } = useI18n();
  useSignedIn();
  const [typed, setTyped] = useState('');
  const [inv, setInv] = useState<Invitation | null>(null);
  const [dose, setDose] = useState<Dose | null>(null);
  const [error, setError] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  async function find(payload: string) {
    setBusy(true);
    setError('');
    setNote('');
    setDose(null);
    try {
      setInv(await vaccinationApi.scan(venueId, payload));
    } catch (e) {
      setInv(null);
      setError(errorText(e, t));
    } finally {
      setBusy(false);
    }
  }
  return (
    <Layout signedIn>
      <div class="stack">
        <section class="card">
          <h1>{t('siteDeskTitle')}</h1>
          <QrCamera onText={(text) => void find(text)} paused={busy} />
          <form data-testid="desk-scan" onSubmit={(e) => { e.preventDefault(); if (typed.trim()) void find(typed.trim()); }}>
            <Field name="desk-input" label={t('siteScanLabel')} value={typed} autoComplete="off" onInput={(e) => setTyped(value(e))} />
            <button type="submit" class="primary" disabled={busy}>{t('siteScan')}</button>
          </form>
          <FormError message={error} />
        </section>
        {inv && (
          <section class="card" data-testid="attendee">
            <h2 data-testid="attendee-name">{inv.full_name}</h2>
            <p class="small">{nb(inv.campaign.name)} · {t(`status_${inv.status}` as MessageKey)}</p>
            <Appointment inv={inv} />
            <h3>{t('screeningTitle')}</h3>
            {inv.screening && <FlagList flags={inv.flags} />}
            <ScreeningAnswers inv={inv} />
          </section>
        )}
        {inv && !dose && <DoseForm inv={inv} venueId={Number(venueId)} onDose={(d) => { setDose(d); setNote(t('doseRecorded', { n: d.dose_number })); }} />}
        {dose && (
          <section class="card" data-testid="dose-done">
            {note && <p class="success" role="status" data-testid="dose-note">{note}</p>}
            <ObservationTimer until={dose.observe_until} />
            <ReactionForm dose={dose} />
          </section>
        )}
      </div>
    </Layout>
  );
}

function DoseForm({ inv, venueId, onDose }: { inv: Invitation; venueId: number; onDose: (d: Dose) => void }) {
  const { t } = useI18n();
  const [product, setProduct] = useState(inv.campaign.products[0] ?? '');
  const [lot, setLot] = useState('');
  const [number, setNumber] = useState(String(inv.doses.length + 1));
  const [vaccinator, setVaccinator] = useState('');
  const [error, setError] = useState('');
  async function record(e: Event) {
    e.preventDefault();
    setError('');
    try {
      onDose(await vaccinationApi.dose({
        campaign_id: inv.campaign.id, person_id: inv.person_id, venue_id: venueId, product, lot: lot.trim(),
        dose_number: Number(number), vaccinator: vaccinator.trim(),
      }));
    } catch (err) {
      setError(errorText(err, t));
    }
  }
  return (
    <form class="card" onSubmit={record} data-testid="dose-form">
      <h2>{t('doseTitle')}</h2>
      <div class="field">
        <label for="dose-product">{t('doseProduct')}</label>
        <select id="dose-product" value={product} onChange={(e) => setProduct((e.currentTarget as HTMLSelectElement).value)}>
          {inv.campaign.products.map((p) => <option value={p}>{p}</option>)}
        </select>
      </div>
      <Field name="dose-lot" label={t('doseLot')} value={lot} required onInput={(e) => setLot(value(e))} />
      <Field name="dose-number" label={t('doseNumber')} type="number" min={1} max={9} value={number} onInput={(e) => setNumber(value(e))} />
      <Field name="dose-vaccinator" label={t('doseVaccinator')} value={vaccinator} required onInput={(e) => setVaccinator(value(e))} />
      <FormError message={error} />
      <button type="submit" class="primary" data-testid="record-dose">{t('recordDose')}</button>
    </form>
  );
}

function ReactionForm({ dose }: { dose: Dose }) {
  const { t } = useI18n();
  const [severity, setSeverity] = useState('mild');
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  const [done, setDone] = useState(false);
  return (
    <form data-testid="reaction-form" onSubmit={async (e) => {
      e.preventDefault();
      setError('');
      try {
        await vaccinationApi.reaction(dose.id, severity, text.trim());
        setDone(true);
        setText('');
      } catch (err) {
        setError(errorText(err, t));
      }
    }}>
      <h2>{t('reactionTitle')}</h2>
      <div class="field">
        <label for="reaction-severity">{t('reactionSeverity')}</label>
        <select id="reaction-severity" value={severity} onChange={(e) => setSeverity((e.currentTarget as HTMLSelectElement).value)}>
          {['mild', 'moderate', 'severe', 'anaphylaxis'].map((s) => <option value={s}>{t(`severity_${s}` as MessageKey)}</option>)}
        </select>
      </div>
      <Field name="reaction-text" label={t('reactionDescription')} value={text} required onInput={(e) => setText(value(e))} />
      <FormError message={error} />
      {done && <p class="success" role="status">{t('reactionRecorded')}</p>}
      <button type="submit">{t('recordReaction')}</button>
    </form>
  );
}

function DoseCard({ d }: { d: Dose }) {
  const { t } = useI18n();
  return (
    <figure class="qr-card dose-card" data-testid={`dose-${d.id}`} data-payload={d.certificate}>
      <figcaption>
        <strong>{t('doseLine', { n: d.dose_number, total: d.total_doses, product: d.product, date: formatDate(d.vaccinated_at) })}</strong>
        <span class="small muted">{t('doseWhere', { venue: d.venue_name, lot: d.lot })}</span>
      </figcaption>
      {d.qr_svg && <div class="qr-image" role="img" aria-label={t('certificateId')} data-testid="certificate-qr"
        dangerouslySetInnerHTML={{ __html: d.qr_svg }} />}
      <p class="small muted">{t('certificateId')}: {d.certificate_id}</p>
      <textarea class="qr-payload" readOnly rows={2} data-testid="certificate-text" value={d.certificate} aria-label={t('certificateId')} />
    </figure>
  );
}

/** /health-book: invitations, doses and certificates of the people this account manages. */
export function HealthBook() {
  const { t } = useI18n();
  const [book, setBook] = useState<BookEntry[] | null>(null);
  const [invitations, setInvitations] = useState<Invitation[]>([]);
  const [offline, setOffline] = useState(false);
  const [error, setError] = useState('');
  useEffect(() => {
    if (!getToken()) { navigate('/login', true); return; }
    registerServiceWorker();
    (async () => {
      try {
        const { people } = await declarationsApi.people();
        const entries = await Promise.all(people.map(async (p) => ({
          person_id: p.id, full_name: p.full_name, doses: (await vaccinationApi.certificates(p.id)).certificates,
        })));
        cacheBook(entries);
        setBook(entries);
        setInvitations((await vaccinationApi.mine()).invitations);
      } catch (e) {
        if (e instanceof ApiError && e.code === 'network') {
          setOffline(true);
          setBook(cachedBook());
        } else if (e instanceof ApiError && e.status === 401) {
          navigate('/login', true);
        } else {
          setError(errorText(e, t));
        }
      }
    })();
  }, []);
  const open = invitations.filter((i) => i.status === 'invited' || i.status === 'confirmed');
  return (
    <Layout signedIn>
      <div class="stack">
        <section class="card">
          <h1>{t('healthBookTitle')}</h1>
          <p class="small muted">{t('healthBookIntro')}</p>
          {offline && <p class="form-error" role="status" data-testid="book-offline">{t('healthBookOffline')}</p>}
          <FormError message={error} />
        </section>
        {open.length > 0 && (
          <section class="card" data-testid="my-invitations">
            <h2>{t('myInvitations')}</h2>
            <ul class="plain-list">
              {open.map((i) => (
                <li><a href={`/invitation/${encodeURIComponent(i.token)}`} onClick={linkClick} data-testid={`my-invitation-${i.person_id}`}>
                  {i.full_name} · {nb(i.campaign.name)} · {t(`status_${i.status}` as MessageKey)}</a></li>
              ))}
            </ul>
          </section>
        )}
        {(book ?? []).map((entry) => (
          <section class="card" data-testid={`book-${entry.person_id}`}>
            <h2>{entry.full_name || t('yourself')}</h2>
            {entry.doses.length === 0 ? <p class="muted">{t('healthBookEmpty')}</p> : entry.doses.map((d) => <DoseCard d={d} />)}
          </section>
        ))}
        <p class="small muted">{formatDateTime(Date.now() / 1000)}</p>
      </div>
    </Layout>
  );
}
