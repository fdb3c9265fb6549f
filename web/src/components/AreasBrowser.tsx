// Provinces → wards, straight from the areas API (Vietnam after Resolution 202/2025/QH15).
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, type Area } from '../api';
import { useI18n } from '../i18n';
import { errorText } from './ui';
import { fold } from '../lib/text';


function filterAreas(areas: Area[], query: string): Area[] {
  const q = fold(query.trim());
  if (!q) return areas;
  return areas.filter((a) => a.code.includes(q) || fold(a.name).includes(q));
}

/** `start`: open this province's wards first (a province official's own area). */
export function AreasBrowser(props: { highlight?: string | null; start?: string | null }) {
  const { t } = useI18n();
  const [provinces, setProvinces] = useState<Area[] | null>(null);
  const [province, setProvince] = useState<Area | null>(null);
  const [wards, setWards] = useState<Area[] | null>(null);
  const [query, setQuery] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let live = true;
    setError(null);
    api.provinces().then((p) => {
      if (!live) return;
      setProvinces(p);
      const mine = props.start ? p.find((a) => a.code === props.start) : undefined;
      if (mine) setProvince((shown) => shown ?? mine);
    }, (e) => live && setError(e));
    return () => { live = false; };
  }, [attempt]);

  useEffect(() => {
    if (!province) return;
    let live = true;
    setWards(null);
    setError(null);
    api.wards(province.code).then((w) => live && setWards(w), (e) => live && setError(e));
    return () => { live = false; };
  }, [province, attempt]);

  const shown = useMemo(
    () => filterAreas((province ? wards : provinces) ?? [], query),
    [province, wards, provinces, query],
  );

  function open(p: Area) {
    setProvince(p);
    setQuery('');
  }

  function back() {
    setProvince(null);
    setWards(null);
    setQuery('');
  }

  const list = province ? wards : provinces;
  return (
    <section class="card" data-testid="areas-browser">
      <div class="section-head">
        {province && (
          <button type="button" class="btn-ghost" data-testid="areas-back" onClick={back}>
            ← {t('back')}
          </button>
        )}
        <h2 data-testid="areas-heading">
          {province ? t('wardsOf', { name: province.name }) : t('areasTitle')}
        </h2>
      </div>
      {error ? (
        <div class="form-error" role="alert">
          {errorText(error, t)}{' '}
          <button type="button" class="btn-link" onClick={() => setAttempt((a) => a + 1)}>
            {t('retry')}
          </button>
        </div>
      ) : !list ? (
        <p class="muted">{t('loading')}</p>
      ) : (
        <>
          <p class="muted" data-testid="areas-count">
            {province ? t('wardsCount', { n: list.length }) : t('provincesCount', { n: list.length })}
          </p>
          <div class="field">
            <label for="area-filter">{t('filterLabel')}</label>
            <input
              id="area-filter"
              name="area-filter"
              type="search"
              value={query}
              onInput={(e) => setQuery((e.currentTarget as HTMLInputElement).value)}
            />
          </div>
          {shown.length === 0 && <p class="muted">{t('noMatch')}</p>}
          {province ? (
            <ul class="area-list" data-testid="ward-list">
              {shown.map((w) => (
                <li key={w.code} data-code={w.code}>
                  <span class="area-name">{w.name}</span>
                  <span class="area-code">{w.code}</span>
                </li>
              ))}
            </ul>
          ) : (
            <ul class="area-list" data-testid="province-list">
              {shown.map((p) => (
                <li key={p.code} data-code={p.code}>
                  <button
                    type="button"
                    class={`area-button${props.highlight === p.code ? ' mine' : ''}`}
                    data-testid={`province-${p.code}`}
                    onClick={() => open(p)}
                  >
                    <span class="area-name">{p.name}</span>
                    <span class="area-code">{p.code}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
