// Officials' dashboards as /api/v1 speaks them.
import { download, request } from './api';

export const FIGURES = ['checkins', 'venues_active', 'declarations', 'cases', 'f1_found', 'f1_notified',
  'notifications_sent', 'venues_registered', 'venues_idle'] as const;
export type FigureName = typeof FIGURES[number];
export type Figures = Record<FigureName, number>;

export interface Dashboard {
  area: { code: string; name: string; kind: 'country' | 'province' | 'ward' };
  days: string[];
  series: Record<FigureName, number[]>;
  totals: Figures;
  children: { code: string; name: string; figures: Figures }[];
  at: string;
}

export interface EpiCurve {
  area: string;
  by: 'onset' | 'test';
  days: string[];
  cases: number[];
  without_date: number;
}

export interface IdleVenue {
  id: number;
  name: string;
  code: string;
  street: string;
  area_name: string;
  last_checkin_day: string | null;
}

const enc = encodeURIComponent;
const areaQuery = (area: string | null) => (area ? `area=${enc(area)}&` : '');

export const dashboardApi = {
  get: (area: string | null, days: number) => request<Dashboard>('GET', `/dashboard?${areaQuery(area)}days=${days}`),
  curve: (area: string | null, by: 'onset' | 'test', days: number) =>
    request<EpiCurve>('GET', `/epicurve?${areaQuery(area)}by=${by}&days=${days}`),
  idle: (area: string | null) => request<{ venues: IdleVenue[] }>('GET', `/dashboard/idle-venues?${areaQuery(area)}limit=50`),
};

/** Fetches a CSV with the session's token and saves it as a file (api.ts download). */
export const downloadCsv = download;
