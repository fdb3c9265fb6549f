// Mass testing pages. Officials: /testing (rounds, their figures, a new round), /testing/{id}
// (a round's figures and the sampling page: scan or type a person's code, put them into the
// current tube), /testing/results (a lab's CSV upload, one result by hand, positives awaiting
// confirmation as cases). Citizens: /tests (their people's tests and results).
import { useEffect, useRef, useState } from 'preact/hooks';
import jsQR from 'jsqr';
import { ApiError, getToken } from '../api';
import { useI18n, type MessageKey } from '../i18n';
import { linkClick, navigate } from '../router';
import { ConfirmButton, Field, FormError, Layout, errorText } from '../components/ui';
import { vnTime } from '../casesApi';
import { download } from '../venuesApi';
import {
  RejectedFile, testingApi, type Applied, type Figures, type MyTest, type Positive, type Round, type RowError,
  type SampleResult, type Tube, type WardFigures, type MyInvitation,
} from '../testingApi';

function useSignedIn(to = '/staff-login') {
  useEffect(() => { if (!getToken()) navigate(to, true); }, []);
}

function FiguresList({ f }: { f: Figures }) {
  const { t } = useI18n();
  const rows: [MessageKey, string | number, string][] = [
    ['figInvited', f.invited, 'invited'], ['figSampled', f.sampled, 'sampled'], ['figPools', f.pools, 'pools'],
    ['figPending', f.pending, 'pending'], ['figNegative', f.negative, 'negative'], ['figPositive', f.positive, 'positive'],
    ['figRecalled', f.recalled, 'recalled'], ['figPositivity', `${(f.positivity * 100).toFixed(1)} %`, 'positivity'],
  ];
  return (
    <dl class="facts">
      {rows.map(([key, value, id]) => <><dt>{t(key)}</dt><dd data-testid={`fig-${id}`}>{value}</dd></>)}
    </dl>
  );
}

// A round's figures by the ward its people live in; on a phone each ward is a small card.
function WardTable({ wards }: { wards: WardFigures[] }) {
  const { t } = useI18n();
  const cols: [MessageKey, (w: WardFigures) => string | number][] = [
    ['figInvited', (w) => w.invited], ['figSampled', (w) => w.sampled], ['figPools', (w) => w.pools],
    ['figPendingPeople', (w) => w.pending], ['figPositive', (w) => w.positive],
    ['figPositivity', (w) => `${(w.positivity * 100).toFixed(1)} %`],
  ];
  return (
    <table class="log-table" data-testid="ward-figures">
      <thead><tr><th>{t('figWard')}</th>{cols.map(([key]) => <th>{t(key)}</th>)}</tr></thead>
      <tbody>
        {wards.map((w) => (
          <tr data-testid={`ward-${w.ward_code || 'unknown'}`}>
            <td data-label={t('figWard')}>{w.ward_name || w.ward_code || t('figWardUnknown')}</td>
            {cols.map(([key, value]) => <td data-label={t(key)}>{value(w)}</td>)}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function TestingRounds() {
  const { t } = useI18n();
  useSignedIn();
  const [rounds, setRounds] = useState<Round[] | null>(null);
  const [error, setError] = useState('');
  const load = () => testingApi.rounds().then((r) => setRounds(r.rounds), (e) => setError(errorText(e, t)));
  useEffect(() => { if (getToken()) void load(); }, []);
  return (
    <Layout signedIn>
      <div class="stack">
        <NewRoundForm onCreated={(r) => navigate(`/testing/${r.id}`)} />
        <section class="card">
          <h1>{t('roundsTitle')}</h1>
          <FormError message={error} />
          {rounds && rounds.length === 0 && <p class="muted">{t('noRounds')}</p>}
          <ul class="plain-list" data-testid="round-list">
            {(rounds ?? []).map((r) => (
              <li class="card" style="margin-bottom: 0.5rem" data-testid={`round-${r.id}`}>
                <a href={`/testing/${r.id}`} onClick={linkClick}><strong>{r.name}</strong></a>
                <p class="small muted" style="margin: 0.25rem 0">
                  {t('figInvited')}: {r.figures.invited} · {t('figSampled')}: {r.figures.sampled} ·{' '}
                  {t('figPending')}: {r.figures.pending} · {t('figPositive')}: {r.figures.positive}
                </p>
              </li>
            ))}
          </ul>
        </section>
        <p class="switch-link">
          <a href="/testing/results" onClick={linkClick}>{t('featLabResults')}</a> · <a href="/" onClick={linkClick}>{t('back')}</a>
        </p>
      </div>
    </Layout>
  );
}

function NewRoundForm({ onCreated }: { onCreated: (r: Round) => void }) {
  const { t } = useI18n();
  const [kind, setKind] = useState<'area' | 'contacts' | 'walk_in'>('area');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  async function submit(e: Event) {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    const text = (k: string) => String(f.get(k) ?? '').trim();
    const site = text('site_name');
    setBusy(true);
    setError('');
    try {
      const r = await testingApi.createRound({
        name: text('name'), kind, pool_size: Number(text('pool_size') || '10'),
        ...(kind === 'area' ? { ward_codes: text('ward_codes').split(/[\s,;]+/).filter(Boolean) } : {}),
        ...(kind === 'contacts' ? { case_id: Number(text('case_id')) } : {}),
        ...(site ? { sites: [{ name: site, day: text('site_day') }] } : {}),
      });
      onCreated(r);
    } catch (err) {
      setError(errorText(err, t));
    } finally {
      setBusy(false);
    }
  }
  return (
    <section class="card">
      <h1>{t('newRoundTitle')}</h1>
      <form onSubmit={submit} data-testid="round-form">
        <Field name="name" label={t('roundName')} required maxLength={200} data-testid="round-name" />
        <div class="field">
          <label for="round-kind">{t('roundKind')}</label>
          <select id="round-kind" value={kind} data-testid="round-kind"
            onChange={(e) => setKind((e.currentTarget as HTMLSelectElement).value as typeof kind)}>
            <option value="area">{t('roundKindArea')}</option>
            <option value="contacts">{t('roundKindContacts')}</option>
            <option value="walk_in">{t('roundKindWalkIn')}</option>
          </select>
        </div>
        {kind === 'area' && <Field name="ward_codes" label={t('roundWards')} inputMode="numeric" data-testid="round-wards" />}
        {kind === 'contacts' && <Field name="case_id" label={t('roundCase')} inputMode="numeric" data-testid="round-case" />}
        <Field name="pool_size" label={t('poolSize')} type="number" min={1} max={30} value="10" data-testid="round-pool" />
        <Field name="site_name" label={t('siteName')} maxLength={200} />
        <Field name="site_day" label={t('siteDay')} type="date" />
        <FormError message={error} />
        <button type="submit" class="btn-primary" disabled={busy} data-testid="round-submit">{t('createRound')}</button>
      </form>
    </section>
  );
}

/** Reads QR codes from the phone camera while `on`; calls `onText` once per code shown. */
function useQrCamera(on: boolean, onText: (text: string) => void, video: { current: HTMLVideoElement | null }) {
  const handler = useRef(onText);
  handler.current = onText;
  useEffect(() => {
    if (!on) return;
    let stream: MediaStream | null = null;
    let stopped = false;
    let last = { text: '', at: 0 };
    const canvas = document.createElement('canvas');
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    const tick = () => {
      if (stopped) return;
      const v = video.current;
      if (v && ctx && v.readyState >= 2 && v.videoWidth > 0) {
        canvas.width = v.videoWidth;
        canvas.height = v.videoHeight;
        ctx.drawImage(v, 0, 0);
        const found = jsQR(ctx.getImageData(0, 0, canvas.width, canvas.height).data, canvas.width, canvas.height);
        const now = Date.now();
        if (found?.data && (found.data !== last.text || now - last.at > 3000)) handler.current(found.data);
        if (found?.data) last = { text: found.data, at: now };
      }
      setTimeout(tick, 150);
    };
    (async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
      } catch { return; }
      if (stopped || !video.current) { stream.getTracks().forEach((tr) => tr.stop()); return; }
      video.current.srcObject = stream;
      video.current.setAttribute('playsinline', 'true');
      await video.current.play().catch(() => undefined);
      tick();
    })();
    return () => { stopped = true; stream?.getTracks().forEach((tr) => tr.stop()); };
  }, [on]);
}

export function RoundPage({ roundId }: { roundId: string }) {
  const { t } = useI18n();
  useSignedIn();
  const [round, setRound] = useState<Round | null>(null);
  const [tubes, setTubes] = useState<Tube[]>([]);
  const [wards, setWards] = useState<WardFigures[]>([]);
  const [labelsFrom, setLabelsFrom] = useState('1');
  const [error, setError] = useState('');
  const [log, setLog] = useState<string[]>([]);
  const [tube, setTube] = useState('');
  const [tubeKind, setTubeKind] = useState<'pool' | 'individual'>('pool');
  const [rapid, setRapid] = useState('');
  const [code, setCode] = useState('');
  const [camera, setCamera] = useState(false);
  const video = useRef<HTMLVideoElement>(null);
  const busy = useRef(false);
  const refresh = () => Promise.all([testingApi.round(roundId), testingApi.tubes(roundId), testingApi.wards(roundId)])
    .then(([r, tb, w]) => { setRound(r); setTubes(tb.tubes); setWards(w.wards); }, (e) => setError(errorText(e, t)));
  useEffect(() => { if (getToken()) void refresh(); }, [roundId]);

  async function put(payload: string) {
    if (busy.current || !payload.trim()) return;
    busy.current = true;
    setError('');
    try {
      const s = await testingApi.sample(roundId, rapid ? { payload, rapid_result: rapid } : { payload, tube, tube_kind: tubeKind });
      const line = s.tube
        ? s.retest ? t('sampledRetest', { name: s.masked_name, tube: s.tube.label })
          : t('sampledInto', { name: s.masked_name, tube: s.tube.label, n: s.tube.members, cap: s.tube.capacity })
        : t('sampledRapid', { name: s.masked_name, result: t(resultKey(s.result)) });
      setLog((l) => [line, ...l].slice(0, 20));
      setCode('');
      await refresh();
    } catch (err) {
      setError(errorText(err, t));
    } finally {
      busy.current = false;
    }
  }
  useQrCamera(camera, (text) => void put(text), video);
  // A sheet of 24 numbered labels (Code 128 and QR) from the number given.
  async function printLabels() {
    const from = Math.max(1, Number(labelsFrom) || 1);
    try {
      await download(`/testing/rounds/${roundId}/labels.pdf?from=${from}&count=24`, `labels-${roundId}-${from}.pdf`);
      setLabelsFrom(String(from + 24));
    } catch (e) {
      setError(errorText(e, t));
    }
  }

  return (
    <Layout signedIn>
      <div class="stack">
        <section class="card">
          <h1 data-testid="round-title">{round?.name ?? '…'}</h1>
          {round && <FiguresList f={round.figures} />}
        </section>
        {wards.length > 0 && (
          <section class="card">
            <h2>{t('figByWard')}</h2>
            <WardTable wards={wards} />
          </section>
        )}
        <section class="card">
          <h2>{t('samplingTitle')}</h2>
          <p class="muted small">{t('samplingHint')}</p>
          <Field name="tube" label={t('currentTube')} value={tube} autoCapitalize="characters" data-testid="tube-label"
            onInput={(e) => setTube((e.currentTarget as HTMLInputElement).value.trim())} />
          <div class="field">
            <label for="tube-kind">{t('roundKind')}</label>
            <select id="tube-kind" value={tubeKind} data-testid="tube-kind"
              onChange={(e) => setTubeKind((e.currentTarget as HTMLSelectElement).value as 'pool' | 'individual')}>
              <option value="pool">{t('tubeKindPool')}</option>
              <option value="individual">{t('tubeKindIndividual')}</option>
            </select>
          </div>
          <div class="field">
            <label for="rapid">{t('rapidTest')}</label>
            <select id="rapid" value={rapid} data-testid="rapid-result"
              onChange={(e) => setRapid((e.currentTarget as HTMLSelectElement).value)}>
              <option value="">{t('rapidNone')}</option>
              <option value="negative">{t('resNegative')}</option>
              <option value="positive">{t('resPositive')}</option>
            </select>
          </div>
          <form onSubmit={(e) => { e.preventDefault(); void put(code); }}>
            <Field name="payload" label={t('personCode')} value={code} autoComplete="off" data-testid="sample-code"
              onInput={(e) => setCode((e.currentTarget as HTMLInputElement).value)} />
            <div class="button-row">
              <button type="submit" class="btn-primary" data-testid="sample-submit">{t('addSample')}</button>
              <button type="button" class="btn-ghost" data-testid="camera-toggle" onClick={() => setCamera(!camera)}>
                {camera ? t('stopCamera') : t('startCamera')}
              </button>
            </div>
          </form>
          {camera && <div class="camera-box"><video ref={video} muted /></div>}
          <FormError message={error} />
          <ul class="plain-list small" data-testid="sample-log">{log.map((l) => <li>{l}</li>)}</ul>
        </section>
        <section class="card">
          <h2>{t('labelsTitle')}</h2>
          <p class="muted small">{t('labelsHint')}</p>
          <Field name="labels-from" label={t('labelsFrom')} type="number" min="1" max="99999" value={labelsFrom}
            onInput={(e) => setLabelsFrom((e.currentTarget as HTMLInputElement).value)} />
          <button type="button" class="btn-ghost" data-testid="labels-pdf" onClick={() => void printLabels()}>{t('labelsPrint')}</button>
        </section>
        <section class="card">
          <h2>{t('recentTubes')}</h2>
          <ul class="plain-list small" data-testid="tube-list">
            {tubes.map((tb) => (
              <li data-testid={`tube-${tb.label}`}>
                <strong>{tb.label}</strong> · {t(tb.kind === 'pool' ? 'tubeKindPool' : 'tubeKindIndividual')} · {tb.members}/{tb.capacity}
                {' · '}{t(resultKey(tb.result))}
              </li>
            ))}
          </ul>
        </section>
        <p class="switch-link"><a href="/testing" onClick={linkClick}>{t('roundsTitle')}</a> · <a href="/testing/results" onClick={linkClick}>{t('featLabResults')}</a></p>
      </div>
    </Layout>
  );
}

function resultKey(r: SampleResult): MessageKey {
  if (r === 'negative') return 'resNegative';
  if (r === 'positive') return 'resPositive';
  if (r === 'recalled') return 'resRecalled';
  return 'resPending';
}

export function LabResults() {
  const { t } = useI18n();
  useSignedIn();
  const [applied, setApplied] = useState<Applied | null>(null);
  const [rows, setRows] = useState<RowError[]>([]);
  const [error, setError] = useState('');
  const [positives, setPositives] = useState<Positive[]>([]);
  const [confirmed, setConfirmed] = useState<number | null>(null);
  const loadPositives = () => testingApi.positives().then((r) => setPositives(r.positives), (e) => setError(errorText(e, t)));
  useEffect(() => { if (getToken()) void loadPositives(); }, []);

  async function run(job: () => Promise<Applied>) {
    setError('');
    setRows([]);
    setApplied(null);
    try {
      setApplied(await job());
      await loadPositives();
    } catch (err) {
      if (err instanceof RejectedFile) setRows(err.rows);
      else setError(errorText(err, t));
    }
  }
  async function uploadFile(e: Event) {
    e.preventDefault();
    const file = ((e.currentTarget as HTMLFormElement).elements.namedItem('file') as HTMLInputElement).files?.[0];
    if (file) await run(async () => testingApi.upload(await file.text()));
  }
  async function single(e: Event) {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    await run(() => testingApi.result({ tube_id: String(f.get('tube_id') ?? '').trim(), result: String(f.get('result')), lab: String(f.get('lab') ?? '') }));
  }
  async function decide(p: Positive, confirm: boolean) {
    setError('');
    try {
      if (confirm) setConfirmed((await testingApi.confirm(p.id)).case_id);
      else await testingApi.dismiss(p.id);
      await loadPositives();
    } catch (err) {
      setError(errorText(err, t));
    }
  }
  return (
    <Layout signedIn>
      <div class="stack">
        <section class="card">
          <h1>{t('labTitle')}</h1>
          <p class="muted small">{t('labUploadHint')}</p>
          <form onSubmit={uploadFile}>
            <div class="field">
              <label for="file">{t('labFile')}</label>
              <input id="file" name="file" type="file" accept=".csv,text/csv" data-testid="lab-file" />
            </div>
            <button type="submit" class="btn-primary" data-testid="lab-upload">{t('upload')}</button>
          </form>
          {applied && <p class="success" role="status" data-testid="lab-applied">{t('uploaded', { ...applied })}</p>}
          {rows.length > 0 && (
            <div class="form-error" role="alert" data-testid="lab-rejected">
              <p>{t('rowsRejected', { n: rows.length })}</p>
              <ul>{rows.slice(0, 50).map((r) => <li>{t('rowLine', { row: r.row, field: r.field, message: errorText(new ApiError(422, r.code, r.message, r.field), t) })}</li>)}</ul>
            </div>
          )}
          <FormError message={error} />
        </section>
        <section class="card">
          <h2>{t('singleResult')}</h2>
          <form onSubmit={single}>
            <Field name="tube_id" label={t('tubeId')} required data-testid="single-tube" />
            <div class="field">
              <label for="result">{t('resultLabel')}</label>
              <select id="result" name="result" data-testid="single-result">
                <option value="negative">{t('resNegative')}</option>
                <option value="positive">{t('resPositive')}</option>
              </select>
            </div>
            <Field name="lab" label={t('labName')} />
            <button type="submit" class="btn-primary" data-testid="single-submit">{t('saveResult')}</button>
          </form>
        </section>
        <section class="card">
          <h2>{t('positivesTitle')}</h2>
          {confirmed && (
            <p class="success" role="status" data-testid="case-confirmed">
              {t('caseConfirmed', { id: confirmed })} <a href={`/cases/${confirmed}`} onClick={linkClick}>{t('openCase')}</a>
            </p>
          )}
          {positives.length === 0 && <p class="muted">{t('noPositives')}</p>}
          <ul class="plain-list" data-testid="positive-list">
            {positives.map((p) => (
              <li class="card" style="margin-bottom: 0.5rem" data-testid={`positive-${p.id}`}>
                <strong>{p.full_name}</strong> <span class="muted small">{p.phone}</span>
                <p class="small" style="margin: 0.25rem 0">{p.round_name} · {p.tube_label || t('kindRapid')} · {p.result_at ? vnTime(p.result_at) : ''}</p>
                <div class="button-row">
                  <ConfirmButton testid={`confirm-${p.id}`} class="btn-small primary" label={t('confirmCase')}
                    message={`${t('confirmCase')}: ${p.full_name}?`} confirmLabel={t('confirmCase')} onConfirm={() => decide(p, true)} />
                  <ConfirmButton testid={`dismiss-${p.id}`} label={t('dismissPositive')}
                    message={`${t('dismissPositive')}: ${p.full_name}?`} confirmLabel={t('dismissPositive')} danger onConfirm={() => decide(p, false)} />
                </div>
              </li>
            ))}
          </ul>
        </section>
        <p class="switch-link"><a href="/testing" onClick={linkClick}>{t('roundsTitle')}</a> · <a href="/" onClick={linkClick}>{t('back')}</a></p>
      </div>
    </Layout>
  );
}

export function MyTests() {
  const { t } = useI18n();
  useSignedIn('/login');
  const [tests, setTests] = useState<MyTest[] | null>(null);
  const [invitations, setInvitations] = useState<MyInvitation[]>([]);
  const [error, setError] = useState('');
  useEffect(() => {
    if (getToken()) {
      testingApi.myTests().then((r) => { setTests(r.tests); setInvitations(r.invitations ?? []); }, (e) => setError(errorText(e, t)));
    }
  }, []);
  return (
    <Layout signedIn>
      <div class="stack">
        {invitations.map((i) => (
          <section class="card" data-testid={`invitation-${i.round_id}`}>
            <h2>{t('invitationTitle')}</h2>
            <p>{i.person_name} · {i.round_name}</p>
            <div class="qr-image" role="img" aria-label={i.qr_payload} dangerouslySetInnerHTML={{ __html: i.qr_svg }} />
            <p class="small muted">{t('invitationHint')}</p>
          </section>
        ))}
        <section class="card">
          <h1>{t('myTestsTitle')}</h1>
          <FormError message={error} />
          {tests && tests.length === 0 && <p class="muted">{t('noTests')}</p>}
          <ul class="plain-list" data-testid="my-tests">
            {(tests ?? []).map((s) => (
              <li class="card" style="margin-bottom: 0.5rem" data-testid={`test-${s.id}`}>
                <strong data-testid="test-result" class={s.result === 'positive' || s.result === 'recalled' ? 'badge badge-red' : 'badge'}>
                  {t(resultKey(s.result))}
                </strong>{' '}
                <span>{s.person_name}</span>
                <p class="small muted" style="margin: 0.25rem 0">
                  {s.round_name} · {t(s.kind === 'rapid' ? 'kindRapid' : 'kindPcr')} · {vnTime(s.result_at ?? s.taken_at)}
                </p>
              </li>
            ))}
          </ul>
        </section>
        <p class="switch-link"><a href="/" onClick={linkClick}>{t('back')}</a></p>
      </div>
    </Layout>
  );
}
