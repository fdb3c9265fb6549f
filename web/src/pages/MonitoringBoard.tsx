// /monitoring/board: the official's board of people under monitoring in their jurisdiction, one
// list at a time (red flags first), live over Server-Sent Events: a new red-flag alert appears
// without a reload and can be acknowledged with a note. Reading it needs a reason (audited).
import { useEffect, useState } from 'preact/hooks';
import { api, getToken, type Area } from '../api';
import { useI18n, type MessageKey } from '../i18n';
import { linkClick, navigate } from '../router';
import { AreaSelect } from '../components/AreaSelect';
import { ConfirmButton, Field, FormError, Layout, errorText } from '../components/ui';
import { BOARD_LISTS, followBoard, monitoringApi, type Board, type BoardList, type BoardRow } from '../monitoringApi';
import { flagText } from './MyMonitoring';
import { AreaOrganisations } from './Organisations';

const REASON_KEY = 'kb_monitoring_reason';

export function MonitoringBoard() {
  const { t } = useI18n();
  const [reason, setReason] = useState(() => sessionStorage.getItem(REASON_KEY) ?? '');
  const [open, setOpen] = useState(false);
  const [list, setList] = useState<BoardList>('red_flag');
  const [search, setSearch] = useState('');
  const [board, setBoard] = useState<Board | null>(null);
  const [error, setError] = useState('');
  const [news, setNews] = useState('');
  const [live, setLive] = useState(false);

  async function load(l = list, s = search) {
    try {
      setBoard(await monitoringApi.board(l, reason, s));
      setError('');
    } catch (e) {
      setError(errorText(e, t));
    }
  }
  useEffect(() => {
    if (!getToken()) navigate('/staff-login', true);
  }, []);
  useEffect(() => {
    if (!open) return undefined;
    void load();
    setLive(true);
    const stop = followBoard(reason, {
      alert: (a) => {
        if (!a.acknowledged_at) setNews(t('boardNewAlert', { name: a.full_name, flags: flagText(a.red_flags, t) }));
        void load();
      },
      update: () => void load(),
    });
    return () => { stop(); setLive(false); };
  }, [open, list]);

  function start(e: Event) {
    e.preventDefault();
    if (!reason.trim()) { setError(t('err_required')); return; }
    sessionStorage.setItem(REASON_KEY, reason.trim());
    setOpen(true);
  }

  return (
    <Layout signedIn>
      <div class="stack">
        <section class="card">
          <h1>{t('boardTitle')}</h1>
          {!open && (
            <form onSubmit={start} noValidate>
              <p class="muted">{t('viewReasonIntro')}</p>
              <Field name="board-reason" label={t('viewReasonLabel')} value={reason}
                onInput={(e) => setReason((e.currentTarget as HTMLInputElement).value)} />
              <FormError message={error} />
              <button type="submit" class="btn-primary" data-testid="board-open">{t('boardOpen')}</button>
            </form>
          )}
          {open && (
            <>
              {live && <p class="muted" data-testid="board-live">{t('boardLive')}</p>}
              {news && <p class="form-error" role="alert" data-testid="board-news">{news}</p>}
              <div class="board-tabs" role="group">
                {BOARD_LISTS.map((l) => (
                  <button type="button" class={list === l ? 'btn-small active' : 'btn-small'} aria-pressed={list === l}
                    data-testid={`board-list-${l}`} onClick={() => setList(l)}>
                    {t(`boardList_${l}` as MessageKey)} ({board?.counts[l] ?? 0})
                  </button>
                ))}
              </div>
              <form onSubmit={(e) => { e.preventDefault(); void load(list, search); }} noValidate>
                <Field name="board-search" label={t('boardSearch')} value={search}
                  onInput={(e) => setSearch((e.currentTarget as HTMLInputElement).value)} />
              </form>
              <FormError message={error} />
              {board && board.items.length === 0 && <p class="muted" data-testid="board-empty">{t('boardEmpty')}</p>}
              {board?.items.map((row) => <Row key={row.id} row={row} onChanged={() => void load()} />)}
            </>
          )}
        </section>
        {open && <AreaOrderForm />}
        <AreaOrganisations />
        <p class="switch-link"><a href="/" onClick={linkClick}>{t('back')}</a></p>
      </div>
    </Layout>
  );
}

function Row(props: { row: BoardRow; onChanged: () => void }) {
  const { t, lang } = useI18n();
  const { row } = props;
  const [note, setNote] = useState('');
  const [error, setError] = useState('');
  const [done, setDone] = useState('');
  const last = row.last_report_at
    ? t('boardLastReport', { time: new Date(row.last_report_at).toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit' }) })
    : t('boardNeverReported');
  async function acknowledge() {
    if (!row.alert_id) return;
    try {
      await monitoringApi.acknowledge(row.alert_id, note.trim());
      setDone(t('boardAcked'));
      props.onChanged();
    } catch (e) {
      setError(errorText(e, t));
    }
  }
  return (
    <div class={row.red_flags.length ? 'board-row flagged' : 'board-row'} data-testid={`board-row-${row.person.id}`}>
      <strong>{row.person.full_name}</strong> · {row.person.phone}
      <div class="muted">{t(`monKind_${row.kind}` as MessageKey)} · {row.status === 'open' ? `${t('monDaysLeft', { n: row.days_left })} · ` : ''}{last}</div>
      {row.red_flags.length > 0 && <p class="form-error" data-testid="board-flags">{flagText(row.red_flags, t)}</p>}
      {row.alert_id && (
        <ConfirmButton testid={`board-ack-${row.alert_id}`} label={t('boardAck')} confirmLabel={t('boardAck')}
          message={t('boardAckConfirm', { name: row.person.full_name })} confirmDisabled={!note.trim()}
          onConfirm={() => void acknowledge()}>
          <Field name={`board-ack-note-${row.alert_id}`} label={t('boardAckNote')} value={note}
            onInput={(e) => setNote((e.currentTarget as HTMLInputElement).value)} />
        </ConfirmButton>
      )}
      {row.status === 'open' && <OrderActions row={row} onDone={(text) => { setDone(text); setError(''); props.onChanged(); }} onError={setError} />}
      <FormError message={error} />
      {done && <p class="success" data-testid={`board-done-${row.id}`}>{done}</p>}
    </div>
  );
}

/** Extend an open order by some days, or transfer the person to hospital (which closes it). */
function OrderActions(props: { row: BoardRow; onDone: (text: string) => void; onError: (text: string) => void }) {
  const { t } = useI18n();
  const { row } = props;
  const [days, setDays] = useState('7');
  const [reason, setReason] = useState('');
  const [hospital, setHospital] = useState('');
  async function run(action: () => Promise<unknown>, text: string) {
    try {
      await action();
      props.onDone(text);
    } catch (e) {
      props.onError(errorText(e, t));
    }
  }
  const n = Number(days);
  return (
    <div class="button-row">
      <ConfirmButton testid={`board-extend-${row.id}`} label={t('boardExtend')} confirmLabel={t('boardExtend')}
        message={t('boardExtendConfirm', { name: row.person.full_name })}
        confirmDisabled={!reason.trim() || !Number.isInteger(n) || n < 1 || n > 30}
        onConfirm={() => void run(() => monitoringApi.extend(row.id, n, reason.trim()), t('boardExtended', { n }))}>
        <Field name={`board-extend-days-${row.id}`} label={t('boardExtendDays')} type="number" inputMode="numeric" min={1} max={30}
          value={days} onInput={(e) => setDays((e.currentTarget as HTMLInputElement).value)} />
        <Field name={`board-extend-reason-${row.id}`} label={t('boardReason')} value={reason}
          onInput={(e) => setReason((e.currentTarget as HTMLInputElement).value)} />
      </ConfirmButton>
      <ConfirmButton testid={`board-transfer-${row.id}`} label={t('boardTransfer')} confirmLabel={t('boardTransfer')} danger
        message={t('boardTransferConfirm', { name: row.person.full_name })} confirmDisabled={!hospital.trim()}
        onConfirm={() => void run(() => monitoringApi.transfer(row.id, hospital.trim(), reason.trim()), t('boardTransferred'))}>
        <Field name={`board-transfer-hospital-${row.id}`} label={t('boardHospital')} value={hospital}
          onInput={(e) => setHospital((e.currentTarget as HTMLInputElement).value)} />
        <Field name={`board-transfer-reason-${row.id}`} label={t('boardReason')} value={reason}
          onInput={(e) => setReason((e.currentTarget as HTMLInputElement).value)} />
      </ConfirmButton>
    </div>
  );
}

/** Area monitoring of wards of the official's jurisdiction: every resident reports daily. */
function AreaOrderForm() {
  const { t } = useI18n();
  const [provinces, setProvinces] = useState<Area[]>([]);
  const [province, setProvince] = useState('');
  const [wards, setWards] = useState<Area[]>([]);
  const [picked, setPicked] = useState<Area[]>([]);
  const [until, setUntil] = useState('');
  const [error, setError] = useState('');
  const [done, setDone] = useState('');
  useEffect(() => {
    api.me().then((me) => {
      const j = me.jurisdiction;
      if (j?.level === 'ward' && j.code) setWards([{ code: j.code, name: j.name ?? j.code } as Area]);
      else if (j?.level === 'province' && j.code) setProvince(j.code);
      else api.provinces().then(setProvinces, () => undefined);
    }, (e) => setError(errorText(e, t)));
  }, []);
  useEffect(() => { if (province) api.wards(province).then(setWards, () => undefined); }, [province]);
  function add(code: string) {
    const w = wards.find((x) => x.code === code);
    if (w && !picked.some((x) => x.code === code)) setPicked([...picked, w]);
  }
  async function place() {
    try {
      await monitoringApi.placeArea(picked.map((w) => w.code), until);
      setDone(t('boardAreaPlaced', { n: picked.length }));
      setPicked([]);
      setError('');
    } catch (e) {
      setError(errorText(e, t));
    }
  }
  return (
    <section class="card" data-testid="board-area-form">
      <h2>{t('boardAreaTitle')}</h2>
      {provinces.length > 0 && (
        <div class="field">
          <label for="board-area-province">{t('provinceLabel')}</label>
          <select id="board-area-province" value={province} onChange={(e) => { setProvince((e.currentTarget as HTMLSelectElement).value); setPicked([]); }}>
            <option value="">{t('choose')}</option>
            {provinces.map((p) => <option value={p.code}>{p.name}</option>)}
          </select>
        </div>
      )}
      <AreaSelect id="board-area-ward" label={t('wardLabel')} areas={wards} value="" autoPick={false}
        disabled={!wards.length} onChange={add} />
      {picked.length > 0 && (
        <ul data-testid="board-area-picked">
          {picked.map((w) => (
            <li>{w.name} <button type="button" class="btn-link" onClick={() => setPicked(picked.filter((x) => x.code !== w.code))}>{t('boardAreaRemove')}</button></li>
          ))}
        </ul>
      )}
      <Field name="board-area-until" label={t('boardAreaUntil')} type="date" value={until}
        onInput={(e) => setUntil((e.currentTarget as HTMLInputElement).value)} />
      <FormError message={error} />
      {done && <p class="success" data-testid="board-area-done">{done}</p>}
      <ConfirmButton testid="board-area-place" label={t('boardAreaPlace')} confirmLabel={t('boardAreaPlace')} class="btn-primary"
        disabled={!picked.length} message={t('boardAreaConfirm', { n: picked.length })} onConfirm={() => void place()} />
    </section>
  );
}
