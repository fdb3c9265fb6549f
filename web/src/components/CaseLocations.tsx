// On a case's page: its locations of interest, and publishing one of its stays as one (the
// public list, /locations, shows it; people who were there say "I was there").
import { useEffect, useState } from 'preact/hooks';
import { useI18n } from '../i18n';
import { ConfirmButton, FormError, errorText } from './ui';
import { vnTime, type TimelineStay } from '../casesApi';
import { locationsApi, type LocationOfInterest } from '../safetyApi';

export function CaseLocations({ caseId, timeline }: { caseId: string; timeline: TimelineStay[] }) {
  const { t } = useI18n();
  const [list, setList] = useState<LocationOfInterest[]>([]);
  const [note, setNote] = useState('');
  const [error, setError] = useState('');
  const [reload, setReload] = useState(0);

  useEffect(() => {
    locationsApi.ofCase(caseId).then((r) => setList(r.locations), (e) => setError(errorText(e, t)));
  }, [caseId, reload]);

  async function run(fn: () => Promise<unknown>) {
    setError('');
    try {
      await fn();
      setNote('');
      setReload((n) => n + 1);
    } catch (e) {
      setError(errorText(e, t));
    }
  }

  const published = new Map(list.map((l) => [l.visit_id, l]));
  return (
    <section class="card" data-testid="case-locations">
      <h2 class="h-sub">{t('locationsCase')}</h2>
      <label class="field">
        <span>{t('locationsPublishNote')}</span>
        <input type="text" value={note} maxLength={500} data-testid="location-note"
          onInput={(e) => setNote((e.currentTarget as HTMLInputElement).value)} />
      </label>
      <ul class="plain-list">
        {timeline.map((s) => {
          const l = published.get(s.visit_id);
          return (
            <li data-testid={`location-stay-${s.visit_id}`}>
              <strong>{vnTime(s.t_in)} – {vnTime(s.t_out)}</strong> · {s.venue_name}
              <div class="row-actions">
                {!l && <button type="button" class="btn-small" data-testid={`publish-${s.visit_id}`}
                  onClick={() => run(() => locationsApi.publish(caseId, s.visit_id, note.trim()))}>{t('locationsPublish')}</button>}
                {l && !l.withdrawn_at && (
                  <>
                    <span class="badge">{t('locationsPublished')}</span>
                    <span class="muted small">{t('locationsReports', { n: l.reports ?? 0 })}</span>
                    <ConfirmButton testid={`withdraw-${l.id}`} class="btn-small" label={t('locationsWithdraw')}
                      message={t('locationsWithdrawConfirm', { venue: l.venue_name })} confirmLabel={t('locationsWithdraw')}
                      onConfirm={() => run(() => locationsApi.withdraw(l.id))} />
                  </>
                )}
                {l?.withdrawn_at && <span class="muted small">{t('locationsWithdrawn')}</span>}
              </div>
            </li>
          );
        })}
      </ul>
      <FormError message={error} />
    </section>
  );
}
