// Organisations (a company, school or agency) as the server's /api/v1 speaks them: the manager's
// organisations, the roster import with its per-row report, the daily check, today's coverage and
// its CSV; an official's list of the organisations of their area with their figures.
import { ApiError, getToken, request } from './api';

export type OrgKind = 'company' | 'school' | 'agency';
export const ORG_KINDS: OrgKind[] = ['company', 'school', 'agency'];
export type CheckKind = 'none' | 'declaration' | 'daily_report';
export const CHECK_KINDS: CheckKind[] = ['none', 'declaration', 'daily_report'];

export interface Figures { members: number; joined: number; done: number; percent: number }

export interface Organisation {
  id: number;
  name: string;
  kind: OrgKind;
  province_code: string;
  ward_code: string;
  area_name: string;
  street: string;
  check: CheckKind;
  check_hour: number;
  created_at: string;
  today?: Figures;
  manager?: boolean;
}

export interface RefusedRow { row: number; field: string; code: string; message: string }
export interface RosterReport {
  rows: number; added: number; updated: number; unchanged: number; refused: number;
  refused_rows: RefusedRow[]; written: boolean;
}

export interface MemberLine { member_id: number; full_name: string; phone: string; joined: boolean }
export interface Coverage extends Figures {
  date: string;
  check: CheckKind;
  missing: MemberLine[];
  done_list: MemberLine[];
}

export interface NewOrganisation { name: string; kind: OrgKind; province_code: string; ward_code: string; street: string }

/** Sends a roster (text/csv). A file with refused rows and nothing written answers 422 with the report. */
async function importRoster(id: number, csv: string, acceptValid: boolean): Promise<RosterReport> {
  const headers: Record<string, string> = { accept: 'application/json', 'content-type': 'text/csv' };
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(`/api/v1/organisations/${id}/roster${acceptValid ? '?accept_valid=1' : ''}`, { method: 'POST', headers, body: csv });
  } catch {
    throw new ApiError(0, 'network', 'network error');
  }
  const json = await res.json().catch(() => undefined);
  if (res.status === 422 && json?.refused_rows) return json as RosterReport;
  if (!res.ok) throw new ApiError(res.status, json?.error?.code ?? `http_${res.status}`, json?.error?.message ?? '', json?.error?.field);
  return json as RosterReport;
}

export const organisationsApi = {
  list: () => request<{ organisations: Organisation[] }>('GET', '/organisations'),
  get: (id: number | string) => request<Organisation>('GET', `/organisations/${id}`),
  create: (o: NewOrganisation) => request<Organisation>('POST', '/organisations', o),
  setCheck: (id: number, check: CheckKind, hour: number) => request<Organisation>('PUT', `/organisations/${id}/check`, { check, hour }),
  importRoster,
  coverage: (id: number | string) => request<Coverage>('GET', `/organisations/${id}/coverage`),
  mine: () => request<{ organisations: (Organisation & { done_today: boolean })[] }>('GET', '/me/organisations'),
};
