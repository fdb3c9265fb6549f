// A person's declarations, newest first.
import { declarationsApi } from '../api-declarations';
import { useI18n, type MessageKey } from '../i18n';
import { linkClick } from '../router';
import { Layout, errorText } from '../components/ui';
import { formatTime, useSignedIn } from './People';

export function History({ personId }: { personId: string }) {
  const { t, lang } = useI18n();
  const { data, error } = useSignedIn(async () => {
    const [person, history] = await Promise.all([declarationsApi.person(personId), declarationsApi.history(personId)]);
    return { person, declarations: history.declarations };
  }, [personId]);
  const answers = (list: string[], prefix: string) =>
    list.length === 0 || list[0] === 'none' ? t('answerNone') : list.map((a) => t(`${prefix}${a}` as MessageKey)).join(', ');
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
                <strong>{formatTime(d.created_at, lang)}</strong>
                <span class="badge">{d.superseded_at ? t('superseded') : t('current')}</span>
                <span class="muted small">{t(`kind_${d.kind}` as MessageKey)}</span>
              </div>
              <dl class="facts">
                <dt>{t('symptomsLabel')}</dt><dd>{answers(d.symptoms, 'symptom_')}</dd>
                <dt>{t('exposuresLabel')}</dt><dd>{answers(d.exposures, 'exposure_')}</dd>
                <dt>{t('vaccineDosesLabel')}</dt><dd>{d.vaccine_doses}</dd>
                {d.travel_provinces.length > 0 && <><dt>{t('travelProvincesLabel')}</dt><dd>{d.travel_provinces.join(', ')}</dd></>}
                {d.travel_countries.length > 0 && <><dt>{t('travelCountriesLabel')}</dt><dd>{d.travel_countries.join(', ')}</dd></>}
                {d.entry && <><dt>{t('vehicleNumberLabel')}</dt><dd>{d.entry.vehicle_number} · {d.entry.arrival_date}</dd></>}
              </dl>
            </li>
          ))}
        </ol>
      </section>
    </Layout>
  );
}
