// Mass testing rounds, sampling, lab results and a citizen's own tests, as /api/v1 speaks them.
import { ApiError, getToken, request } from './api';

export interface Figures {
  invited: number; sampled: number; pools: number; tubes: number; pending: number;
  negative: number; positive: number; recalled: number; positivity: number;
}
export interface Round {
  id: number; name: string; kind: 'area' | 'contacts' | 'walk_in';
  province_code: string; ward_code: string; ward_codes: string[]; case_id: number | null;
  pool_size: number; created_at: string; sites: { id: number; name: string; day: string }[];
  figures: Figures;
}
export interface WardFigures {
  ward_code: string; ward_name: string; invited: number; sampled: number; pools: number;
  pending: number; negative: number; positive: number; positivity: number;
}
export interface Tube {
  id: number; label: string; kind: 'pool' | 'individual'; capacity: number; members: number;
  result: 'negative' | 'positive' | null; result_at: string | null; lab: string;
}
export type SampleResult = 'negative' | 'positive' | 'recalled' | null;
export interface Sample {
  id: number; round_id: number; person_id: number; kind: 'pcr' | 'rapid'; attempt: number;
  taken_at: string; result: SampleResult; result_at: string | null;
  confirmation: 'pending' | 'confirmed' | 'dismissed' | null; case_id: number | null;
}
export interface Sampled extends Sample { masked_name: string; retest: boolean; tube: Tube | null }
export interface Applied { tubes: number; unchanged: number; cleared: number; recalled: number; positives: number; rows?: number }
export interface RowError { row: number; field: string; code: string; message: string }
export interface Positive extends Sample { full_name: string; phone: string; round_name: string; tube_label: string }
export interface MyTest extends Sample { person_name: string; round_name: string; tube_label: string }
export interface MyInvitation { round_id: number; round_name: string; person_name: string; qr_payload: string; qr_svg: string }
export interface NewRound {
  name: string; kind: 'area' | 'contacts' | 'walk_in'; ward_codes?: string[]; case_id?: number;
  pool_size: number; sites?: { name: string; day: string }[];
}

/** A results file refused row by row (422): nothing was recorded. */
export class RejectedFile extends Error {
  constructor(public rows: RowError[]) { super('rows_rejected'); }
}

async function uploadCsv(text: string): Promise<Applied> {
  const headers: Record<string, string> = { accept: 'application/json', 'content-type': 'text/csv' };
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch('/api/v1/testing/results/upload', { method: 'POST', headers, body: text });
  const json = await res.json().catch(() => undefined);
  if (res.status === 422 && json?.rows) throw new RejectedFile(json.rows);
  if (!res.ok) throw new ApiError(res.status, json?.error?.code ?? `http_${res.status}`, json?.error?.message ?? '', json?.error?.field);
  return json as Applied;
}

export const testingApi = {
  rounds: () => request<{ rounds: Round[] }>('GET', '/testing/rounds'),
  round: (id: string | number) => request<Round>('GET', `/testing/rounds/${id}`),
  createRound: (r: NewRound) => request<Round>('POST', '/testing/rounds', r),
  wards: (id: string | number) => request<{ wards: WardFigures[] }>('GET', `/testing/rounds/${id}/wards`),
  tubes: (id: string | number) => request<{ tubes: Tube[] }>('GET', `/testing/rounds/${id}/tubes?limit=20`),
  sample: (id: string | number, body: { payload: string; tube?: string; tube_kind?: string; rapid_result?: string }) =>
    request<Sampled>('POST', `/testing/rounds/${id}/samples`, body),
  result: (body: { tube_id: string; result: string; lab?: string }) => request<Applied>('POST', '/testing/results', body),
  upload: uploadCsv,
  positives: () => request<{ positives: Positive[] }>('GET', '/testing/positives'),
  confirm: (id: number) => request<{ case_id: number }>('POST', `/testing/positives/${id}/confirm`),
  dismiss: (id: number) => request<void>('POST', `/testing/positives/${id}/dismiss`),
  myTests: () => request<{ tests: MyTest[]; invitations: MyInvitation[] }>('GET', '/me/tests'),
};
