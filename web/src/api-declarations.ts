// The people, declaration and personal-QR calls (issue 4), on top of api.ts's request().
import { request } from './api';

export type Colour = 'green' | 'yellow' | 'red';

export interface PersonDetails {
  full_name: string;
  id_kind: 'cccd' | 'passport';
  id_number: string;
  birth_date: string;
  sex: 'male' | 'female' | '';
  phone: string;
  province_code: string;
  ward_code: string;
  street: string;
}

export interface Person extends PersonDetails {
  id: number;
  is_self: boolean;
  complete: boolean;
  status: { colour: Colour; reason: string };
  last_declared_at: string | null;
  last_declaration_id: number | null;
}

export interface EntryDetails {
  transport: string;
  vehicle_number: string;
  seat: string;
  departure_country: string;
  arrival_date: string;
  quarantine_province_code: string;
  quarantine_ward_code: string;
  quarantine_street: string;
}

export interface DeclarationInput {
  person_id: number;
  kind: 'domestic' | 'entry';
  travel_provinces: string[];
  travel_countries: string[];
  symptoms: string[];
  exposures: string[];
  vaccine_doses: number;
  entry?: EntryDetails;
  /** Sent again after a lost answer or from the offline queue, it is recorded once. */
  client_id?: string;
}

export interface Declaration extends Omit<DeclarationInput, 'entry' | 'client_id'> {
  id: number;
  created_at: string;
  superseded_at: string | null;
  entry: EntryDetails | null;
}

export interface Declared {
  id: number;
  person_id: number;
  qr: string;
  qr_svg: string | null;
  qr_expires_at: string;
  colour: Colour;
  reason: string;
  declaration: Declaration;
}

export interface PersonalQr {
  token_id: number;
  person_id: number;
  payload: string;
  svg: string | null;
  colour: Colour;
  reason?: string;
  issued_at: string;
  expires_at: string;
  key_id: string;
  full_name: string;
  masked_name: string;
}

export interface PublicKey {
  key_id: string;
  algorithm: 'Ed25519';
  public_key: string;
  created_at: string;
  retired_at: string | null;
  not_after: string | null;
}

export interface OnlineVerdict {
  verdict: 'valid' | 'expired' | 'revoked' | 'forged' | 'malformed';
  valid: boolean;
  checked_at: string;
  person_id?: number;
  colour?: Colour;
  issued_at?: string;
  expires_at?: string;
  masked_name?: string | null;
  birth_year?: number | null;
  revoked_at?: string | null;
  /** Why a revoked code was revoked: its holder's colour changed, or the holder revoked it. */
  revoked_reason?: 'colour_changed' | 'holder' | null;
}

export const declarationsApi = {
  people: () => request<{ people: Person[] }>('GET', '/me/people'),
  person: (id: number | string) => request<Person>('GET', `/me/people/${id}`),
  addPerson: (p: PersonDetails) => request<Person>('POST', '/me/people', p),
  editPerson: (id: number | string, p: PersonDetails) => request<Person>('PUT', `/me/people/${id}`, p),
  history: (id: number | string) =>
    request<{ declarations: Declaration[] }>('GET', `/me/people/${id}/declarations`),
  declare: (d: DeclarationInput) => request<Declared>('POST', '/declarations', d),
  qr: (personId: number | string) => request<PersonalQr>('GET', `/people/${personId}/qr`),
  revokeQr: (personId: number | string) => request<{ revoked: number }>('POST', `/people/${personId}/qr/revoke`),
  keys: () => request<{ keys: PublicKey[] }>('GET', '/keys'),
  verify: (payload: string) => request<OnlineVerdict>('POST', '/qr/verify', { payload }),
};
