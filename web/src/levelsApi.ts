// Area risk levels as /api/v1 speaks them (public, no sign-in) and the officials' actions.
import { request } from './api';

export type Level = 1 | 2 | 3 | 4;

export interface AreaLevel {
  code: string;
  name: string;
  kind: 'province' | 'ward';
  province_code: string;
  level: Level | null;
  computed_level: Level | null;
  community_cases: number;
  population: number | null;
  rate_per_100k: number | null;
  coverage: number | null;
  raised_for_coverage: boolean;
  override: { level: Level; reason: string; expires_at: string } | null;
  explanation: string;
  explanation_vi: string;
  since: string;
  computed_at: string;
}

export interface PublicLevels {
  computed_at: string | null;
  rule: { window_days: number; bands_per_100k: number[]; coverage_threshold: number };
  provinces: AreaLevel[];
  wards?: AreaLevel[];
}

export interface LevelHistoryEntry {
  at: string;
  level: Level | null;
  cause: 'rule' | 'override' | 'override_lifted';
  explanation: string;
  explanation_vi: string;
}

const enc = encodeURIComponent;

export const levelsApi = {
  all: (province?: string) =>
    request<PublicLevels>('GET', `/public/levels${province ? `?province=${enc(province)}` : ''}`),
  area: (code: string) => request<AreaLevel & { history: LevelHistoryEntry[] }>('GET', `/public/levels/${enc(code)}`),
  recompute: () => request<{ areas: number; changed: number }>('POST', '/levels/recompute', {}),
  override: (o: { area_code: string; level: number; reason: string; expires_at: string }) =>
    request<AreaLevel>('POST', '/levels/overrides', o),
  lift: (area_code: string, reason: string) => request<AreaLevel>('POST', '/levels/overrides/lift', { area_code, reason }),
};

/** The colour of a level on the map and in lists; grey when it is not known. */
export function levelColour(level: Level | null): string {
  switch (level) {
    case 1: return '#2e7d32';
    case 2: return '#f9c900';
    case 3: return '#ef6c00';
    case 4: return '#c62828';
    default: return '#b0b7b4';
  }
}

/** Dark text on the light colours, white on the dark ones. */
export function levelInk(level: Level | null): string {
  return level === 2 || level === null ? '#1b1b1b' : '#fff';
}
