// One person, many identifiers: the officials' duplicates queue, merges and unmerges, as
// /api/v1/identity speaks them.
import { request } from './api';

export type Agreement = 'unknown' | 'same' | 'near' | 'different';
export interface Evidence {
  name: 'same' | 'similar' | 'different';
  birth_date: Agreement;
  sex: Agreement;
  ward: Agreement;
  phone: Agreement;
  verdict: 'no_match' | 'likely' | 'sure';
  rule: string;
  different_identifier: string | null;
}

export interface PersonSummary {
  id: number;
  full_name: string;
  birth_date: string | null;
  sex: string | null;
  phone: string | null;
  id_number: string | null;
  province_code: string | null;
  ward_code: string | null;
}

export interface Candidate {
  id: number;
  person_id: number;
  match_id: number;
  rule: string;
  evidence: Evidence | null;
  door: string;
  status: 'open' | 'merged' | 'dismissed';
  created_at: string;
  merge_id: number | null;
  person: PersonSummary;
  match: PersonSummary;
}

export interface Identifier {
  kind: 'cccd' | 'cmnd' | 'passport' | 'bhxh' | 'phone';
  number: string;
  country: string | null;
  source: string;
  place: string | null;
  first_seen_at: string;
  last_seen_at: string;
}

export interface Side extends PersonSummary {
  street: string | null;
  merged_into: number | null;
  identifiers: Identifier[];
  status: { colour: string; reason: string };
  account_holder: boolean;
  managed: boolean;
  counts: { visits: number; declarations: number; cases: number };
}

export interface CandidateFile extends Omit<Candidate, 'person' | 'match'> {
  person: Side;
  match: Side;
  now: Evidence;
}

export interface Merge {
  id: number;
  survivor_id: number;
  merged_id: number;
  changes: number;
  unmerged_at: string | null;
  cases_to_trace?: number[];
  restored?: number;
}

const enc = encodeURIComponent;

export const identityApi = {
  queue: (reason: string, status = 'open') =>
    request<{ candidates: Candidate[] }>('GET', `/identity/candidates?status=${enc(status)}&reason=${enc(reason)}`),
  file: (id: number, reason: string) => request<CandidateFile>('GET', `/identity/candidates/${id}?reason=${enc(reason)}`),
  merge: (id: number, reason: string) => request<Merge>('POST', `/identity/candidates/${id}/merge`, { reason }),
  dismiss: (id: number, reason: string) => request<Candidate>('POST', `/identity/candidates/${id}/dismiss`, { reason }),
  unmerge: (mergeId: number, reason: string) => request<Merge>('POST', `/identity/merges/${mergeId}/unmerge`, { reason }),
};

/** An identifier a citizen adds to someone in their account: recorded at once, or held for an
 *  official when it is already on another person's record. */
export type IdentifierClaim = Identifier | { status: 'pending_review'; candidate_id: number };

export const myIdentifiersApi = {
  list: (personId: number | string) =>
    request<{ identifiers: Identifier[] }>('GET', `/me/people/${personId}/identifiers`),
  add: (personId: number | string, id: { kind: string; number: string; country?: string }) =>
    request<IdentifierClaim>('POST', `/me/people/${personId}/identifiers`, id),
};
