// /venues/{id}/log: a venue's visitors by day, with counts in / out / inside now, and the
// CSV export for officials. Officials give a reason, which the server audits.
import { useEffect, useState } from 'preact/hooks';
import { getToken } from '../api';
import { useI18n, type MessageKey } from '../i18n';
import { linkClick, navigate } from '../router';
import { Field, FormError, Layout, errorText } from '../components/ui';
import { download, shortTime, venuesApi, type GuestLog as Log, type Venue } from '../venuesApi';

export function GuestLog({ venueId }: { venueId: string }) {
  const { t } = useI18n();
  const [venue, setVenue] = useState<Venue | null>(null);
  const [date, setDate] = useState('');
  const [reason, setReason] = useState('');
  const [log, setLog] = useState<Log | null>(null);
  const [error, setError] = useState('');
  const official = venue?.role === 'official';

  useEffect(() => {
    if (!getToken()) { navigate('/login', true); return; }
    venuesApi.get(venueId).then(setVenue, (e) => setError(errorText(e, t)));
  }, [venueId]);

  async function load(d = date) {
    setError('');
    try {
      const l = await venuesApi.guestLog(venueId, d || undefined, official ? reason : undefined);
      setLog(l);
      setDate(l.date);
    } catch (e) {
      setError(errorText(e, t));
    }
  }

  useEffect(() => {
    if (venue && !official) void load();
  }, [venue]);

  async function csv() {
    const q = new URLSearchParams({ format: 'csv', date });
    if (official) q.set('reason', reason);
    try {
      await download(`/venues/${encodeURIComponent(venueId)}/visits?${q}`, `guest-log-${venue?.code}-${date}.csv`);
    } catch (e) {
      setError(errorText(e, t));
    }
  }

  return (
    <Layout signedIn>
      <div class="stack">
        <section class="card">
          <h1>{t('guestLog')}</h1>
          {venue && <p class="muted">{venue.name} · {venue.address_line}</p>}
          <form class="inline-form" onSubmit={(e) => { e.preventDefault(); void load(); }}>
            <Field name="log-date" label={t('dateLabel')} type="date" value={date}
              onInput={(e) => setDate((e.currentTarget as HTMLInputElement).value)} />
            {official && (
              <Field name="log-reason" label={t('reasonLabel')} value={reason}
                onInput={(e) => setReason((e.currentTarget as HTMLInputElement).value)} />
            )}
            <button type="submit" class="btn-ghost" data-testid="log-load">{t('show')}</button>
          </form>
          <FormError message={error} />
        </section>
        {log && (
          <>
            <section class="card">
              <dl class="facts counts" data-testid="log-counts">
                <dt>{t('countIn')}</dt><dd data-testid="count-in">{log.counts.in}</dd>
                <dt>{t('countOut')}</dt><dd data-testid="count-out">{log.counts.out}</dd>
                <dt>{t('countInside')}</dt><dd data-testid="count-inside">{log.counts.inside_now}</dd>
              </dl>
              <button type="button" class="btn-ghost" data-testid="log-csv" onClick={csv}>{t('downloadCsv')}</button>
            </section>
            <section class="card">
              <h2>{t('byDay')}</h2>
              <ul class="plain-list day-list">
                {log.days.map((d) => (
                  <li>
                    <button type="button" class="btn-link" onClick={() => void load(d.date)}>{d.date}</button>
                    {' '}{t('dayCounts', { in: d.in, out: d.out })}
                  </li>
                ))}
              </ul>
            </section>
            <section class="card">
              <table class="log-table" data-testid="log-table">
                <thead><tr><th>{t('timeIn')}</th><th>{t('timeOut')}</th><th>{t('fullNameLabel')}</th><th>{t('phoneLabel')}</th><th>{t('trustLabel')}</th></tr></thead>
                <tbody>
                  {log.visits.map((v) => (
                    <tr>
                      <td class="nowrap" data-label={t('timeIn')}>
                        {shortTime(v.t_in)}
                        {v.offline_received_at && (
                          <small class="muted offline-note" data-testid="offline-note">
                            {' '}{t('offlineReceived', { time: shortTime(v.offline_received_at) })}
                          </small>
                        )}
                      </td>
                      <td class="nowrap" data-label={t('timeOut')}>{v.t_out ? shortTime(v.t_out) : '—'}</td>
                      <td data-label={t('fullNameLabel')}>{v.full_name || '—'}</td>
                      <td class="nowrap" data-label={t('phoneLabel')}>{v.phone || '—'}</td>
                      <td data-label={t('trustLabel')} title={`${v.trust_level}/5`}>{t(`trust_${v.trust}` as MessageKey)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          </>
        )}
        <p class="switch-link"><a href={`/venues/${venueId}`} onClick={linkClick}>{t('back')}</a></p>
      </div>
    </Layout>
  );
}
