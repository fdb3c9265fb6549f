// /clusters: venues where two or more cases stayed within the cluster window, with how many
// cases and how many people were exposed there.
import { useEffect, useState } from 'preact/hooks';
import { getToken } from '../api';
import { useI18n } from '../i18n';
import { linkClick, navigate } from '../router';
import { FormError, Layout, errorText } from '../components/ui';
import { casesApi, vnTime, type Cluster } from '../casesApi';

export function Clusters() {
  const { t } = useI18n();
  const [clusters, setClusters] = useState<Cluster[] | null>(null);
  const [days, setDays] = useState(7);
  const [error, setError] = useState('');
  useEffect(() => {
    if (!getToken()) { navigate('/staff-login', true); return; }
    casesApi.clusters().then((r) => { setClusters(r.clusters); setDays(r.window_days); }, (e) => setError(errorText(e, t)));
  }, []);
  return (
    <Layout signedIn>
      <div class="stack">
        <section class="card">
          <h1>{t('clustersTitle', { days })}</h1>
          <FormError message={error} />
          {clusters && clusters.length === 0 && <p class="muted">{t('noClusters')}</p>}
          <ul class="plain-list" data-testid="cluster-list">
            {(clusters ?? []).map((c) => (
              <li class="card" style="margin-bottom: 0.5rem" data-testid={`cluster-${c.venue_id}`}>
                <strong>{c.venue_name}</strong> <span class="muted small">{c.street}, {c.area_name}</span>
                <p class="small" style="margin: 0.25rem 0">
                  <span class="badge">{t('clusterCases', { n: c.case_count })}</span>{' '}
                  <span class="badge">{t('clusterExposed', { n: c.exposed_count })}</span>{' '}
                  {vnTime(c.first_visit)} – {vnTime(c.last_visit)}
                </p>
                <p class="small" style="margin: 0">
                  {c.case_ids.map((id) => <a href={`/cases/${id}`} onClick={linkClick} style="margin-right: 0.5rem">#{id}</a>)}
                </p>
              </li>
            ))}
          </ul>
        </section>
        <p class="switch-link"><a href="/cases" onClick={linkClick}>{t('featCases')}</a> · <a href="/" onClick={linkClick}>{t('back')}</a></p>
      </div>
    </Layout>
  );
}
