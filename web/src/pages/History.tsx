// A person's declarations, newest first: each question above its answer, so a long answer
// reads across the screen on a phone.
import { useEffect, useState } from 'preact/hooks';
import { api, type Area } from '../api';
import { declarationsApi, type Declaration } from '../api-declarations';
import { useI18n, type MessageKey } from '../i18n';
import { linkClick } from '../router';
import { Layout, errorText } from '../components/ui';
import { formatDate, formatDateTime } from '../lib/dates';
import { useSignedIn } from './People';

function DeclarationFacts({ d, provinces }: { d: Declaration; provinces: Area[] }) {
  const { t } = useI18n();
  const answers = (list: string[], prefix: string) =>
    list.length === 0 || list[0] === 'none' ? t('answerNone') : list.map((a) => t(`${prefix}${a}` as MessageKey)).join(', ');
  const province = (code: string) => provinces.find((p) => p.code === code)?.name ?? code;
  return (
    <dl class="facts">
      <dt>{t('symptomsLabel')}</dt><dd data-testid="answer-symptoms">{answers(d.symptoms, 'symptom_')}</dd>
      <dt>{t('exposuresLabel')}</dt><dd data-testid="answer-exposures">{answers(d.exposures, 'exposure_')}</dd>
      <dt>{t('vaccineDosesLabel')}</dt><dd>{d.vaccine_doses}</dd>
      {d.travel_provinces.length > 0 && (
        <><dt>{t('travelProvincesLabel')}</dt><dd data-testid="answer-provinces">{d.travel_provinces.map(province).join(', ')}</dd></>
      )}
      {d.travel_countries.length > 0 && <><dt>{t('travelCountriesLabel')}</dt><dd>{d.travel_countries.join(', ')}</dd></>}
      {d.entry && (
        <>
          <dt>{t('vehicleNumberLabel')}</dt><dd>{d.entry.vehicle_number}</dd>
          <dt>{t('arrivalDateLabel')}</dt><dd data-testid="answer-arrival">{formatDate(d.entry.arrival_date)}</dd>
        </>
      )}
    </dl>
  );
}

export function History({ personId }: { personId: string }) {
  const { t } = useI18n();
  const [provinces, setProvinces] = useState<Area[]>([]);
  useEffect(() => { api.provinces().then(setProvinces, () => setProvinces([])); }, []);
  const { data, error } = useSignedIn(async () => {
    const [person, history] = await Promise.all([declarationsApi.person(personId), declarationsApi.history(personId)]);
    return { person, declarations: history.declarations };
  }, [personId]);
  return (
    <Layout signedIn>
      <section class="card narrow">
        <p><a href="/people" onClick={linkClick}>← {t('peopleTitle')}</a></p>
        <h1>{t('historyTitle')}</h1>
        {data && <p class="h-sub">{data.person.full_name}</p>}
        {error ? <p class="form-error" role="alert">{errorText(error, t)}</p> : null}
        {data && data.declarations.length === 0 && <p class="muted">{t('historyEmpty')}</p>}
        <ol class="history-list" data-testid="history-list">
          {data?.declarations.map((d) => (
            <li data-testid={`declaration-${d.id}`}>
              <div class="person-head">
                <strong data-testid="declared-at">{formatDateTime(d.created_at)}</strong>
                <span class="badge">{d.superseded_at ? t('superseded') : t('current')}</span>
                <span class="muted small">{t(`kind_${d.kind}` as MessageKey)}</span>
              </div>
              <DeclarationFacts d={d} provinces={provinces} />
            </li>
          ))}
        </ol>
      </section>
    </Layout>
  );
}
