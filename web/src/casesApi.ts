// Cases (F0), contacts (F1/F2), tracing notices and clusters, as /api/v1 speaks them.
import { request } from './api';
import { formatDate, formatDateTime } from './lib/dates';

export type CaseStatus = 'active' | 'recovered' | 'died' | 'error';
export type ContactStatus = 'new' | 'pending' | 'confirmed' | 'dismissed' | 'converted' | 'void';

export interface Case {
  id: number;
  person_id: number;
  status: CaseStatus;
  province_code: string;
  ward_code: string;
  area_name: string;
  test_date: string;
  onset_date: string | null;
  isolation_date: string | null;
  notes: string;
  close_note: string;
  from_contact_id: number | null;
  created_at: string;
  window: { from: string; to: string };
  masked_name?: string;
  f1_count?: number;
  trace?: { f1: number; f1_new: number };
}

export interface TimelineStay {
  visit_id: number;
  venue_id: number;
  venue_name: string;
  venue_code: string;
  venue_area: string;
  t_in: string;
  t_out: string;
  checked_out: boolean;
}

export interface CaseDetail extends Case {
  person: { id: number; full_name: string; id_number: string; phone: string; status_colour: string | null } | null;
  timeline: TimelineStay[];
  contact_counts: { f1: Record<string, number>; f2: Record<string, number> };
  notices: { to_send: number; sent: number; case_sent: boolean };
  rule: { margin_minutes: number; min_overlap_minutes: number; max_stay_hours: number };
}

export interface Exposure {
  venue_id: number;
  venue_name: string;
  contact_in: string;
  contact_out: string;
  case_in: string;
  case_out: string;
  overlap_minutes: number;
}

export interface TracedContact {
  person_id: number;
  degree: number;
  basis: 'visit' | 'household';
  status: ContactStatus;
  full_name?: string;
  phone?: string;
  total_overlap_minutes: number;
  via: number[];
  contact: { id: number; status: ContactStatus; notified: boolean; quarantine_until: string | null } | null;
  exposures: Exposure[];
}

export interface ContactList {
  case_id: number;
  degree: number;
  count: number;
  contacts: TracedContact[];
  venues: { venue_id: number; venue_name: string; area_name: string; contacts: number }[];
}

export interface Cluster {
  venue_id: number;
  venue_name: string;
  area_name: string;
  street: string;
  case_count: number;
  exposed_count: number;
  first_visit: string;
  last_visit: string;
  case_ids: number[];
}

export interface NewCase {
  person_id?: number;
  id_number?: string;
  phone?: string;
  test_date: string;
  onset_date?: string;
  isolation_date?: string;
  notes?: string;
}

const enc = encodeURIComponent;

export const casesApi = {
  list: (status = '', limit = 50) => request<{ cases: Case[]; next_before: number | null }>(
    'GET', `/cases?limit=${limit}${status ? `&status=${enc(status)}` : ''}`),
  create: (c: NewCase) => request<Case>('POST', '/cases', c),
  get: (id: string, reason: string) => request<CaseDetail>('GET', `/cases/${enc(id)}?reason=${enc(reason)}`),
  contacts: (id: string, degree: number, reason: string) =>
    request<ContactList>('GET', `/cases/${enc(id)}/contacts?degree=${degree}&reason=${enc(reason)}`),
  trace: (id: string, degree: number) =>
    request<{ f1: number; f1_new: number; f2: number; f2_new: number }>('POST', `/cases/${enc(id)}/trace`, { degree }),
  notices: (id: string) =>
    request<{ sent: number; already: number; case_sent: boolean }>('POST', `/cases/${enc(id)}/notices`, {}),
  close: (id: string, outcome: 'recovered' | 'died') => request<Case>('POST', `/cases/${enc(id)}/close`, { outcome }),
  markError: (id: string, reason: string) => request<Case>('POST', `/cases/${enc(id)}/error`, { reason }),
  decide: (contactId: number, action: 'confirm' | 'dismiss') =>
    request<unknown>('POST', `/contacts/${contactId}/${action}`, {}),
  convert: (contactId: number, testDate: string) =>
    request<Case>('POST', `/contacts/${contactId}/convert`, { test_date: testDate }),
  clusters: () => request<{ clusters: Cluster[]; window_days: number }>('GET', '/clusters'),
};

/** A time as 21/11/2026 09:30 (lib/dates.ts: one way of writing dates in the app). */
export const vnTime = formatDateTime;
/** A date or time as 21/11/2026. */
export const vnDate = formatDate;
/** Today in Vietnam as YYYY-MM-DD. */
export function vnToday(): string {
  return new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10);
}
