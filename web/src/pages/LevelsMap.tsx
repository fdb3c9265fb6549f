// /map and /map/{province}: the public map of area risk levels, no sign-in. The 34 provinces as
// a geographic tile grid coloured by level, with the Hoàng Sa and Trường Sa archipelagos always
// drawn; a province's wards as a coloured list with each level's explanation and date. The
// levels are read again every minute while the page is open.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { useI18n, type MessageKey } from '../i18n';
import { navigate } from '../router';
import { FormError, Layout, errorText } from '../components/ui';
import { levelColour, levelInk, levelsApi, type AreaLevel, type Level, type PublicLevels } from '../levelsApi';
import { ARCHIPELAGOS, GRID_COLS, GRID_ROWS, PROVINCE_GRID } from '../levels/provinceGrid';
import { vnDate, vnTime } from '../casesApi';

const TILE_W = 50;
const TILE_H = 38;
const REFRESH_MS = 60_000;

function levelName(level: Level | null, t: (k: MessageKey) => string): string {
  return level ? t(`level_${level}` as MessageKey) : t('levelUnknown');
}

function Chip({ level }: { level: Level | null }) {
  return (
    <span class="level-chip" style={{ background: levelColour(level), color: levelInk(level) }}>
      {level ?? '–'}
    </span>
  );
}

function ProvinceMap(props: { provinces: Map<string, AreaLevel>; selected: string | null; onPick: (code: string) => void }) {
  const { t } = useI18n();
  return (
    <svg class="levels-map" viewBox={`0 0 ${GRID_COLS * TILE_W} ${GRID_ROWS * TILE_H}`} role="img"
      aria-label={t('levelsMapLabel')} data-testid="levels-map">
      <text x={5.2 * TILE_W} y={11.4 * TILE_H} class="sea-label">{t('eastSea')}</text>
      {ARCHIPELAGOS.map((a) => (
        <g data-testid={`archipelago-${a.key}`}>
          {[[0, 0], [0.35, 0.25], [0.7, -0.1], [0.2, 0.6], [0.9, 0.45], [0.55, 0.8]].map(([dx, dy]) => (
            <circle cx={(a.col + dx) * TILE_W} cy={(a.row + dy) * TILE_H} r={2.6} class="island" />
          ))}
          <text x={(a.col - 0.2) * TILE_W} y={(a.row + 1.45) * TILE_H} class="archipelago-label">{t(a.key)}</text>
        </g>
      ))}
      {PROVINCE_GRID.map((tile) => {
        const area = props.provinces.get(tile.code);
        const level = area?.level ?? null;
        const selected = props.selected === tile.code;
        return (
          <g role="button" tabIndex={0} class={`tile-province${selected ? ' selected' : ''}`}
            data-testid={`province-${tile.code}`} data-level={level ?? ''}
            aria-label={`${area?.name ?? tile.code}: ${levelName(level, t)}`}
            onClick={() => props.onPick(tile.code)}
            onKeyDown={(e) => { if (e.key === 'Enter' || e.key === ' ') props.onPick(tile.code); }}>
            <title>{area?.name ?? tile.code}</title>
            <rect x={tile.col * TILE_W + 1.5} y={tile.row * TILE_H + 1.5} width={TILE_W - 3} height={TILE_H - 3}
              rx={5} fill={levelColour(level)} />
            <text x={tile.col * TILE_W + TILE_W / 2} y={tile.row * TILE_H + TILE_H / 2 + 4} fill={levelInk(level)}
              class="tile-label">{tile.label}</text>
          </g>
        );
      })}
    </svg>
  );
}

function AreaRow({ area, testid }: { area: AreaLevel; testid: string }) {
  const { t, lang } = useI18n();
  return (
    <li class="level-row" data-testid={testid} data-level={area.level ?? ''}>
      <Chip level={area.level} />
      <div>
        <strong>{area.name}</strong> <span class="muted small">{levelName(area.level, t)}</span>
        <p class="small level-why" data-testid={`${testid}-explanation`}>{lang === 'vi' ? area.explanation_vi : area.explanation}</p>
        {area.override && <p class="small level-why">{t('levelsOverride', { reason: area.override.reason })}</p>}
        <p class="small muted level-why">{t('levelsSince', { date: vnDate(area.since) })}</p>
      </div>
    </li>
  );
}

export function LevelsMap({ province }: { province: string | null }) {
  const { t } = useI18n();
  const [data, setData] = useState<PublicLevels | null>(null);
  const [error, setError] = useState('');
  const [filter, setFilter] = useState('');

  useEffect(() => {
    let live = true;
    const load = () => levelsApi.all(province ?? undefined).then(
      (d) => { if (live) { setData(d); setError(''); } },
      (e) => live && setError(errorText(e, t)));
    void load();
    const timer = window.setInterval(load, REFRESH_MS);
    return () => { live = false; window.clearInterval(timer); };
  }, [province]);

  const provinces = useMemo(() => new Map((data?.provinces ?? []).map((p) => [p.code, p])), [data]);
  const chosen = province ? provinces.get(province) : undefined;
  const wards = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    return (data?.wards ?? [])
      .filter((w) => !needle || w.name.toLowerCase().includes(needle))
      .sort((a, b) => (b.level ?? 0) - (a.level ?? 0) || a.name.localeCompare(b.name, 'vi'));
  }, [data, filter]);
  const pick = (code: string) => navigate(`/map/${code}`);

  return (
    <Layout>
      <div class="stack">
        <section class="card">
          <h1>{t('levelsTitle')}</h1>
          <p class="muted small">{t('levelsIntro', { days: data?.rule.window_days ?? 7 })}</p>
          <FormError message={error} />
          <ul class="level-legend">
            {([1, 2, 3, 4, null] as (Level | null)[]).map((l) => <li><Chip level={l} /> {levelName(l, t)}</li>)}
          </ul>
          <ProvinceMap provinces={provinces} selected={province} onPick={pick} />
          <p class="small muted" data-testid="levels-updated">
            {data?.computed_at ? t('levelsUpdated', { time: `${vnTime(data.computed_at)}/${data.computed_at.slice(0, 4)}` }) : data ? t('levelsNever') : ''}
          </p>
        </section>
        {chosen ? (
          <section class="card" data-testid="province-detail">
            <ul class="plain-list level-list">
              <AreaRow area={chosen} testid={`area-${chosen.code}`} />
            </ul>
            <h2>{t('levelsWardsOf', { name: chosen.name })}</h2>
            <div class="field">
              <label for="ward-filter">{t('levelsWardFilter')}</label>
              <input id="ward-filter" value={filter} onInput={(e) => setFilter((e.target as HTMLInputElement).value)} />
            </div>
            <ul class="plain-list level-list" data-testid="ward-list">
              {wards.map((w) => <AreaRow area={w} testid={`ward-${w.code}`} />)}
            </ul>
          </section>
        ) : (
          <p class="muted small">{t('levelsPickProvince')}</p>
        )}
        <section class="card">
          <h2>{t('levelsProvinces')}</h2>
          <ul class="plain-list level-list" data-testid="province-list">
            {(data?.provinces ?? []).map((p) => (
              <li class="level-row">
                <Chip level={p.level} />
                <button type="button" class="btn-link" onClick={() => pick(p.code)}>{p.name}</button>
              </li>
            ))}
          </ul>
        </section>
      </div>
    </Layout>
  );
}
