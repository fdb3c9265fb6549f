// /broadcasts: an official composes a notification for an area of their jurisdiction (country →
// province → wards), sees how many people it reaches before sending, then follows the
// delivery figures; pending mass alerts are approved, and sent ones recalled, from here — each
// only where the server says this official may (the sender's level or above). Sending to a whole
// province or the country, approving and recalling ask first, saying how many people it reaches.
// Officials only: an administrator is told so, and the page asks the server nothing.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, api, getToken, setToken, type Area, type Me } from '../api';
import { useI18n, type MessageKey } from '../i18n';
import { linkClick, navigate } from '../router';
import { ConfirmButton, Field, FormError, Layout, errorText, fieldErrors, type FieldErrors } from '../components/ui';
import { fold } from '../lib/text';
import { MESSAGE_KINDS, notifyApi, type Audience, type Broadcast, type MessageKind, type Preview } from '../notifyApi';

type FormField = 'title' | 'body' | 'link' | 'kind' | 'audience';

export function Compose() {
  const { t } = useI18n();
  const [me, setMe] = useState<Me | null>(null);
  const [provinces, setProvinces] = useState<Area[]>([]);
  const [national, setNational] = useState(false);
  const [province, setProvince] = useState('');
  const [wholeProvince, setWholeProvince] = useState(false);
  const [wards, setWards] = useState<Area[]>([]);
  const [picked, setPicked] = useState<string[]>([]);
  const [wardQuery, setWardQuery] = useState('');
  const [kind, setKind] = useState<MessageKind>('urgent');
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [link, setLink] = useState('');
  const [preview, setPreview] = useState<Preview | null>(null);
  const [counting, setCounting] = useState(false);
  const [errors, setErrors] = useState<FieldErrors<FormField>>({});
  const [result, setResult] = useState<Broadcast | null>(null);
  const [recent, setRecent] = useState<Broadcast[]>([]);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!getToken()) { navigate('/login', true); return; }
    api.me().then((m) => {
      setMe(m);
      const j = m.jurisdiction;
      if (j?.level === 'province' && j.code) setProvince(j.code);
      if (j?.level === 'ward' && j.code) setPicked([j.code]);
    }, (e) => {
      if (e instanceof ApiError && e.status === 401) { setToken(null); navigate('/login', true); return; }
      setErrors({ form: errorText(e, t) });
    });
    api.provinces().then(setProvinces, () => {});
  }, []);

  useEffect(() => {
    setWards([]);
    setPicked((p) => (me?.jurisdiction?.level === 'ward' ? p : []));
    if (!province) return;
    api.wards(province).then(setWards, () => {});
  }, [province]);

  const refresh = () => notifyApi.broadcasts().then((r) => setRecent(r.broadcasts), () => {});
  const official = me?.role === 'official';
  useEffect(() => {
    if (!official) return;
    refresh();
    const timer = setInterval(refresh, 3000);  // delivery figures move while the page is open
    return () => clearInterval(timer);
  }, [official]);

  const audience: Audience | null = useMemo(() => {
    if (national) return { national: true };
    if (province && wholeProvince) return { provinces: [province] };
    if (picked.length) return { wards: picked };
    return null;
  }, [national, province, wholeProvince, picked]);

  useEffect(() => {
    setPreview(null);
    if (!audience) return;
    let live = true;
    setCounting(true);
    const timer = setTimeout(() => {
      notifyApi.preview(audience).then((p) => live && setPreview(p), (e) => live && setErrors(fieldErrors(e, t, ['audience'])))
        .finally(() => live && setCounting(false));
    }, 250);
    return () => { live = false; clearTimeout(timer); };
  }, [audience]);

  async function send() {
    setErrors({});
    if (!audience) { setErrors({ audience: t('composeNoArea') }); return; }
    setBusy(true);
    try {
      const b = await notifyApi.send({ kind, title, body, link: link.trim() || undefined, audience });
      setResult(b);
      setTitle('');
      setBody('');
      setLink('');
      refresh();
    } catch (err) {
      const field = err instanceof ApiError ? err.field ?? '' : '';
      setErrors(fieldErrors(err, t, ['title', 'body', 'link', 'kind', 'audience'], field.startsWith('audience') ? 'audience' : 'form'));
    } finally {
      setBusy(false);
    }
  }

  const level = me?.jurisdiction?.level;
  // A whole province, the country, or anything a second official must approve: ask first.
  const wide = !!audience && (national || wholeProvince || !!preview?.needs_approval);
  const areaName = national ? t('composeNational') : wholeProvince ? provinces.find((p) => p.code === province)?.name ?? province : '';
  const reach = preview ? preview.people.toLocaleString('vi-VN') : '…';
  const shownWards = wards.filter((w) => !wardQuery.trim() || fold(w.name).includes(fold(wardQuery.trim())) || w.code.includes(wardQuery.trim()));

  if (me && !official) {
    return (
      <Layout signedIn>
        <section class="card" data-testid="officials-only">
          <h1>{t('composeTitle')}</h1>
          <p>{t('composeOfficialsOnly')}</p>
          <a href="/" onClick={linkClick}>{t('goHome')}</a>
        </section>
      </Layout>
    );
  }
  return (
    <Layout signedIn>
      <div class="stack">
        <form class="card stack" onSubmit={(e) => { e.preventDefault(); if (!wide) void send(); }} data-testid="compose-form" noValidate>
          <h1>{t('composeTitle')}</h1>
          <FormError message={errors.form} />
          <div class="field">
            <label for="kind">{t('composeKind')}</label>
            <select id="kind" name="kind" value={kind} onChange={(e) => setKind((e.currentTarget as HTMLSelectElement).value as MessageKind)}>
              {MESSAGE_KINDS.map((k) => <option value={k}>{t(`msgkind_${k}` as MessageKey)}</option>)}
            </select>
          </div>
          <Field name="title" label={t('composeHeading')} value={title} maxLength={200} error={errors.title}
            onInput={(e) => setTitle((e.currentTarget as HTMLInputElement).value)} />
          <div class={`field${errors.body ? ' has-error' : ''}`}>
            <label for="body">{t('composeBody')}</label>
            <textarea id="body" name="body" rows={4} maxLength={2000} value={body}
              onInput={(e) => setBody((e.currentTarget as HTMLTextAreaElement).value)} />
            {errors.body && <p class="field-error" data-testid="error-body" role="alert">{errors.body}</p>}
          </div>
          <Field name="link" label={t('composeLink')} value={link} type="url" error={errors.link}
            onInput={(e) => setLink((e.currentTarget as HTMLInputElement).value)} />

          <fieldset class="stack" data-testid="area-picker">
            <legend class="field-label">{t('composeArea')}</legend>
            {level === 'national' && (
              <label class="check-row">
                <input type="checkbox" checked={national} data-testid="audience-national"
                  onChange={(e) => setNational((e.currentTarget as HTMLInputElement).checked)} /> {t('composeNational')}
              </label>
            )}
            {!national && level === 'national' && (
              <div class="field">
                <label for="province">{t('composeProvince')}</label>
                <select id="province" name="province" value={province}
                  onChange={(e) => setProvince((e.currentTarget as HTMLSelectElement).value)}>
                  <option value="">{t('composeChooseProvince')}</option>
                  {provinces.map((p) => <option value={p.code}>{p.name}</option>)}
                </select>
              </div>
            )}
            {!national && level === 'province' && (
              <p><strong>{provinces.find((p) => p.code === province)?.name ?? province}</strong></p>
            )}
            {!national && province && level !== 'ward' && (
              <label class="check-row">
                <input type="checkbox" checked={wholeProvince} data-testid="audience-whole-province"
                  onChange={(e) => setWholeProvince((e.currentTarget as HTMLInputElement).checked)} /> {t('composeWholeProvince')}
              </label>
            )}
            {!national && province && !wholeProvince && level !== 'ward' && (
              <div class="stack">
                <Field name="ward-query" label={t('composeWards')} value={wardQuery} autoComplete="off"
                  onInput={(e) => setWardQuery((e.currentTarget as HTMLInputElement).value)} />
                <ul class="plain-list area-list" style="max-height: 16rem; overflow-y: auto" data-testid="ward-list">
                  {shownWards.map((w) => (
                    <li key={w.code}>
                      <label class="check-row">
                        <input type="checkbox" value={w.code} data-testid={`ward-${w.code}`} checked={picked.includes(w.code)}
                          onChange={(e) => {
                            const on = (e.currentTarget as HTMLInputElement).checked;
                            setPicked((p) => (on ? [...p, w.code] : p.filter((c) => c !== w.code)));
                          }} /> <span class="grow">{w.name}</span> <span class="area-code">{w.code}</span>
                      </label>
                    </li>
                  ))}
                </ul>
              </div>
            )}
            {level === 'ward' && <p><strong>{me?.jurisdiction?.name}</strong></p>}
            {errors.audience && <p class="field-error" role="alert" data-testid="error-audience">{errors.audience}</p>}
            <p class="muted" data-testid="audience-preview" data-people={preview ? String(preview.people) : ''}>
              {counting && !preview ? t('composeCounting') : preview ? t('composeCovers', { n: preview.people.toLocaleString('vi-VN') }) : ''}
            </p>
            {preview?.needs_approval && (
              <p class="form-error" data-testid="needs-approval">{t('composeNeedsApproval', { n: preview.approval_threshold.toLocaleString('vi-VN') })}</p>
            )}
          </fieldset>
          <ConfirmButton testid="compose-send" class="btn-primary" disabled={busy} ask={wide} label={t('composeSend')}
            message={t('composeConfirmSend', { n: reach, area: areaName })} confirmLabel={t('composeConfirmGo', { n: reach })}
            confirmDisabled={!preview} onConfirm={send} />
          {result && (
            <p class="success" role="status" data-testid="compose-result">
              {result.status === 'sent' ? t('composeSent') : t('composePending')}
            </p>
          )}
        </form>

        <section class="card stack">
          <h2>{t('composeRecent')}</h2>
          {recent.length === 0 ? <p class="muted">{t('composeNone')}</p> : (
            <ul class="plain-list stack" data-testid="broadcast-list">
              {recent.map((b) => <BroadcastRow key={b.id} b={b} onChange={refresh} />)}
            </ul>
          )}
        </section>
      </div>
    </Layout>
  );
}

function BroadcastRow(props: { b: Broadcast; onChange: () => void }) {
  const { t } = useI18n();
  const { b } = props;
  const [reason, setReason] = useState('');
  const [error, setError] = useState('');
  const areas = b.audience.national ? t('composeNational')
    : [...b.audience.provinces, ...b.audience.wards].map((a) => a.name).join(', ');
  const people = b.audience_size.toLocaleString('vi-VN');
  async function act(fn: () => Promise<unknown>) {
    setError('');
    try {
      await fn();
      props.onChange();
    } catch (e) {
      setError(errorText(e, t));
    }
  }
  return (
    <li data-testid={`broadcast-${b.id}`} data-status={b.status}>
      <div class="section-head">
        <strong>{b.title}</strong>
        <span class="badge">{t(`bstatus_${b.status}` as MessageKey)}</span>
      </div>
      <p class="muted small">{areas}</p>
      <p class="small" data-testid={`figures-${b.id}`}>
        {t('bFigures', { people, reads: b.reads, sent: b.deliveries.sent, queued: b.deliveries.queued, failed: b.deliveries.failed })}
      </p>
      <FormError message={error} />
      <div class="row-actions">
        {b.may_approve && (
          <ConfirmButton testid={`approve-${b.id}`} class="btn-small" label={t('bApprove')}
            message={t('bApproveConfirm', { n: people })} confirmLabel={t('bApprove')}
            onConfirm={() => act(() => notifyApi.approve(b.id))} />
        )}
        {b.may_recall && (
          <ConfirmButton testid={`recall-${b.id}`} class="btn-small btn-ghost" danger label={t('bRecall')}
            message={t('bRecallConfirm', { n: people })} confirmLabel={t('bRecall')} confirmDisabled={!reason.trim()}
            onConfirm={() => act(() => notifyApi.recall(b.id, reason.trim()))}>
            <Field name={`reason-${b.id}`} label={t('bRecallReason')} value={reason}
              onInput={(e) => setReason((e.currentTarget as HTMLInputElement).value)} />
          </ConfirmButton>
        )}
      </div>
    </li>
  );
}
