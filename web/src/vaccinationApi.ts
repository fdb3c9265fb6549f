// Vaccination campaigns, invitations, the site desk and the health book, as /api/v1 speaks them.
import { ApiError, getToken, request } from './api';

export interface Slot { id: number; venue_id: number; day: string; starts_at: string; ends_at: string; capacity: number; booked: number; free: number }
export interface Site { venue_id: number; name: string; kind: string; province_code: string; ward_code: string; street: string }
export interface Fill { venue_id: number; day: string; capacity: number; booked: number; rate: number }
export interface CampaignFigures { listed: number; invited: number; confirmed: number; declined: number; vaccinated: number; unassigned: number; flagged: number }
export interface Campaign {
  id: number; name: string; province_code: string; ward_code: string; products: string[]; priority_groups: string[];
  total_doses: number; created_at: string; sites: Site[]; slots: Slot[]; fill: Fill[]; figures: CampaignFigures;
}
export interface NewSlot { venue_id: number; day: string; start: string; end: string; capacity: number }
export type Concern = 'attention' | 'defer';
export interface Flag { key: string; concern: Concern }
export type Answers = Record<string, boolean | number | null>;
export interface Dose {
  id: number; person_id: number; campaign_id: number; campaign_name: string; venue_id: number; venue_name: string;
  product: string; lot: string; dose_number: number; total_doses: number; vaccinated_at: string; observe_until: string;
  vaccinator: string; certificate: string; certificate_id: string; issued_at: string; expires_at: string; qr_svg: string | null;
}
export interface Invitation {
  token: string; qr: string; qr_svg: string | null; status: 'invited' | 'confirmed' | 'declined' | 'vaccinated'; person_id: number; full_name: string;
  campaign: Campaign; slot: Slot | null; site: Site | null; screening: Answers | null; flags: Flag[]; doses: Dose[];
}
export interface ImportCounts { total: number; clean: number; fixed: number; duplicate: number; rejected: number }
export interface ImportDone { id: number; counts: ImportCounts }
/** An import as stored: `failure` says why a failed one failed ("interrupted": its server stopped in the middle). */
export interface ImportState {
  id: number; state: 'importing' | 'done' | 'failed'; failure: string | null; file_name: string;
  counts: ImportCounts; people: { created: number; matched: number };
}

/** The screening questions, in the form's order (the rule for flags is the server's). */
export const QUESTIONS = ['previous_reaction', 'severe_allergy', 'acute_illness', 'pregnant', 'chronic_condition',
  'immunosuppressed', 'bleeding_disorder', 'recent_vaccine', 'covid_recent', 'fever'] as const;
/** EU value-set products a campaign may give (src/certificates/value_sets.cpp). */
export const PRODUCTS = ['EU/1/20/1528', 'EU/1/20/1507', 'EU/1/21/1529', 'EU/1/20/1525', 'BBIBP-CorV', 'Sputnik-V', 'CoronaVac'];

async function uploadList(csv: string, fileName: string): Promise<ImportDone> {
  const headers: Record<string, string> = { accept: 'application/json', 'content-type': 'text/csv', 'x-file-name': encodeURIComponent(fileName) };
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch('/api/v1/vaccination/imports', { method: 'POST', headers, body: csv });
  } catch {
    throw new ApiError(0, 'network', 'network error');
  }
  const json = await res.json().catch(() => undefined);
  if (!res.ok) throw new ApiError(res.status, json?.error?.code ?? `http_${res.status}`, json?.error?.message ?? '', json?.error?.field);
  return json as ImportDone;
}

const base = '/vaccination/campaigns';
export const vaccinationApi = {
  campaigns: () => request<{ campaigns: Campaign[] }>('GET', base),
  campaign: (id: string | number) => request<Campaign>('GET', `${base}/${id}`),
  create: (body: { name: string; products: string[]; priority_groups: string[]; total_doses: number }) => request<Campaign>('POST', base, body),
  addSite: (id: number, venue_code: string) => request<Campaign>('POST', `${base}/${id}/sites`, { venue_code }),
  addSlots: (id: number, slots: NewSlot[]) => request<Campaign>('POST', `${base}/${id}/slots`, { slots }),
  listImport: (id: number, import_id: number) => request<{ added: number; already: number }>('POST', `${base}/${id}/list`, { import_id }),
  listPeople: (id: number, person_ids: number[], priority_group: string) =>
    request<{ added: number; already: number }>('POST', `${base}/${id}/list`, { person_ids, priority_group }),
  invite: (id: number) => request<{ invited: number; unassigned: number }>('POST', `${base}/${id}/invitations`, {}),
  upload: uploadList,
  importOf: (id: number) => request<ImportState>('GET', `/vaccination/imports/${id}`),
  invitation: (token: string) => request<Invitation>('GET', `/invitations/${encodeURIComponent(token)}`),
  screening: (token: string, answers: Answers) => request<Invitation>('POST', `/invitations/${encodeURIComponent(token)}/screening`, { answers }),
  reply: (token: string, answer: 'confirm' | 'another_slot' | 'decline') =>
    request<Invitation>('POST', `/invitations/${encodeURIComponent(token)}/reply`, { answer }),
  mine: () => request<{ invitations: Invitation[] }>('GET', '/me/invitations'),
  scan: (venueId: string | number, payload: string) => request<Invitation>('POST', `/vaccination/sites/${venueId}/scan`, { payload }),
  dose: (body: { campaign_id: number; person_id: number; venue_id: number; product: string; lot: string; dose_number: number; vaccinator: string }) =>
    request<Dose>('POST', '/vaccination/doses', body),
  reaction: (doseId: number, severity: string, description: string) =>
    request<{ id: number }>('POST', `/vaccination/doses/${doseId}/reactions`, { severity, description }),
  certificates: (personId: number) => request<{ person_id: number; certificates: Dose[] }>('GET', `/people/${personId}/certificates`),
};
