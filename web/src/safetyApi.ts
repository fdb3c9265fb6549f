// Venue safety self-assessment and locations of interest, as the server's /api/v1 speaks them.
import { request } from './api';

export type RiskClass = 'low' | 'medium' | 'high' | 'very_high';
export const RISK_CLASSES: RiskClass[] = ['low', 'medium', 'high', 'very_high'];

export interface ChecklistItem {
  key: string;
  weight: number;
  critical: boolean;
  text_vi: string;
  text_en: string;
}

export interface Safety {
  risk_class: RiskClass;
  score: number;
  assessed_at: string;
  due_at: string;
  overdue: boolean;
  /** Managers, staff and officials only. */
  answers?: Record<string, boolean>;
  unmet?: string[];
}

export interface VenueAssessment {
  checklist: ChecklistItem[];
  valid_days: number;
  current: Safety | null;
}

export interface AreaSafety {
  counts: Record<RiskClass | 'overdue' | 'not_assessed', number>;
  venues: {
    venue_id: number; name: string; code: string; province_code: string; ward_code: string;
    ward_name: string; street: string; safety: Safety | null;
  }[];
}

export interface LocationOfInterest {
  id: number;
  venue_name: string;
  venue_code: string;
  street: string;
  province_code: string;
  province_name: string;
  ward_code: string;
  ward_name: string;
  starts_at: string;
  ends_at: string;
  note: string;
  published_at: string;
  /** Officials only. */
  case_id?: number;
  visit_id?: number;
  withdrawn_at?: string | null;
  reports?: number;
}

export interface Presence {
  location: LocationOfInterest;
  person_id: number;
  recorded: boolean;
  contact_status: string;
  quarantine_until: string | null;
}

function query(params: Record<string, string | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : '';
}

export const safetyApi = {
  assessment: (venueId: number | string) =>
    request<VenueAssessment>('GET', `/venues/${venueId}/safety-assessment`),
  assess: (venueId: number | string, answers: Record<string, boolean>) =>
    request<Safety>('POST', `/venues/${venueId}/safety-assessment`, { answers }),
  area: (f: { class?: string; overdue?: boolean }) =>
    request<AreaSafety>('GET', `/venue-safety${query({ class: f.class, overdue: f.overdue ? '1' : undefined })}`),
};

export const locationsApi = {
  published: (f: { province_code?: string; ward_code?: string; from?: string; to?: string }) =>
    request<{ locations: LocationOfInterest[] }>('GET', `/locations-of-interest${query(f)}`),
  ofCase: (caseId: number | string) =>
    request<{ locations: LocationOfInterest[] }>('GET', `/cases/${caseId}/locations-of-interest`),
  publish: (caseId: number | string, visitId: number, note: string) =>
    request<LocationOfInterest>('POST', `/cases/${caseId}/locations-of-interest`, { visit_id: visitId, note }),
  withdraw: (id: number) => request<LocationOfInterest>('POST', `/locations-of-interest/${id}/withdraw`),
  iWasThere: (id: number, personId?: number) =>
    request<Presence>('POST', `/locations-of-interest/${id}/i-was-there`, personId ? { person_id: personId } : {}),
};
