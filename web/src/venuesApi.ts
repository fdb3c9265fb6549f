// Venues, check-in and the staff scanner, as the server's /api/v1 speaks them.
import { request } from './api';
import type { Safety } from './safetyApi';
import { formatDateTime, formatTime } from './lib/dates';

export type VenueKind = 'office' | 'school' | 'market' | 'shop' | 'restaurant' | 'hospital' | 'transport' | 'other'
  | 'vaccination_site';
export const VENUE_KINDS: VenueKind[] = ['shop', 'restaurant', 'market', 'office', 'school', 'hospital', 'vaccination_site', 'transport', 'other'];
export type VenueStatus = 'open' | 'closed' | 'suspended';

export interface Venue {
  id: number;
  code: string;
  url: string;
  name: string;
  kind: VenueKind;
  province_code: string;
  ward_code: string;
  street: string;
  address_line: string;
  status: VenueStatus;
  capacity: number | null;
  contact_phone: string | null;
  role?: 'manager' | 'staff' | 'official';
}

export interface NewVenue {
  name: string;
  kind: VenueKind;
  province_code: string;
  ward_code: string;
  street: string;
  capacity?: number;
  contact_phone?: string;
}

export interface Visit {
  id: number;
  venue_id: number;
  person_id: number;
  t_in: string;
  t_out: string | null;
  assumed_out: string;
  source: 'self' | 'staff_scan' | 'manual';
  trust: string;
  trust_level: number;
  duplicate?: boolean;
  checkout_token?: string;
  // What the door answered for this person at check-in.
  status?: DoorStatus;
  flagged?: boolean;
}

export interface VenuePage {
  id: number;
  code: string;
  url: string;
  name: string;
  kind: VenueKind;
  address_line: string;
  status: VenueStatus;
  /** The venue's safety self-assessment; null when it has none. */
  safety?: Safety | null;
  people?: { id: number; full_name: string; is_self: boolean }[];
  open_visits?: Visit[];
}

export interface MyVisit extends Visit {
  venue_name: string;
  venue_code: string;
  person_name: string;
  open: boolean;
}

export interface StaffMember {
  user_id: number;
  username: string | null;
  phone: string | null;
  role: 'manager' | 'staff';
}

export interface KioskCode {
  token: string;
  url: string;
  qr_svg: string;
  expires_at: string;
  refresh_in: number;
  venue: Venue;
}

export interface GuestLogVisit extends Visit {
  full_name: string;
  phone: string | null;
  offline_received_at: string | null; // recorded from an offline scan: when it reached the server
}

export interface GuestLog {
  venue: Venue;
  date: string;
  counts: { in: number; out: number; inside_now: number };
  days: { date: string; in: number; out: number }[];
  visits: GuestLogVisit[];
}

export type ScanResult =
  | { result: 'checked_in'; duplicate: boolean; colour: DoorColour; reason: string; instruction: string;
      flagged: boolean; masked_name: string; trust?: string; trust_level?: number; warning?: string; visit: Visit }
  | { result: 'code_sent'; phone: string; expires_in: number };

import type { DoorColour, DoorStatus } from './components/DoorVerdict';

const enc = encodeURIComponent;

export const venuesApi = {
  /** My venues; for an official, the area's venues, 100 at a time before the venue id `before`. */
  list: (before?: number) => request<{ venues: Venue[] }>('GET', `/venues${before ? `?before=${before}` : ''}`),
  create: (v: NewVenue) => request<Venue>('POST', '/venues', v),
  get: (id: string | number) => request<Venue>('GET', `/venues/${enc(String(id))}`),
  setStatus: (id: number, status: VenueStatus) => request<Venue>('PATCH', `/venues/${id}`, { status }),
  byCode: (code: string) => request<VenuePage>('GET', `/venues/by-code/${enc(code)}`),
  staff: (id: number) => request<{ staff: StaffMember[] }>('GET', `/venues/${id}/staff`),
  addStaff: (id: number, username: string, password?: string) =>
    request<StaffMember>('POST', `/venues/${id}/staff`, password ? { username, password } : { username }),
  removeStaff: (id: number, userId: number) => request<void>('DELETE', `/venues/${id}/staff/${userId}`),
  kioskCode: (id: string | number) => request<KioskCode>('GET', `/venues/${enc(String(id))}/kiosk-code`),
  guestLog: (id: string | number, date?: string, reason?: string) => {
    const q = new URLSearchParams();
    if (date) q.set('date', date);
    if (reason) q.set('reason', reason);
    const qs = q.toString();
    return request<GuestLog>('GET', `/venues/${enc(String(id))}/visits${qs ? `?${qs}` : ''}`);
  },
  checkIn: (body: { venue_code: string; person_ids?: number[]; kiosk?: string;
    guest?: { full_name: string; phone: string } }) =>
    request<{ visits: Visit[]; venue: { id: number; name: string } }>('POST', '/checkins', body),
  checkOut: (body: { visit_id?: number; venue_code?: string; checkout_token?: string }) =>
    request<{ visits: Visit[] }>('POST', '/checkouts', body),
  myVisits: () => request<{ visits: MyVisit[] }>('GET', '/me/visits'),
  scan: (body: { venue_id: number; payload: string; code?: string; full_name?: string }) =>
    request<ScanResult>('POST', '/scans', body),
  manualVisit: (venueId: number, body: { full_name: string; phone?: string }) =>
    request<ScanResult>('POST', `/venues/${venueId}/visits`, body),
};

export { download } from './api';

/** 09:30, or with the date 21/11/2026 09:30, in Vietnam's time (lib/dates.ts). */
export function shortTime(rfc3339: string, withDate = false): string {
  return withDate ? formatDateTime(rfc3339) : formatTime(rfc3339);
}

/** Guests' own visits, kept on their phone so they can check out later from the venue page. */
const GUEST_KEY = 'kb_guest_visits';
export interface GuestVisit { id: number; venue_code: string; token: string; t_in: string }
export function guestVisits(): GuestVisit[] {
  try { return JSON.parse(localStorage.getItem(GUEST_KEY) || '[]') as GuestVisit[]; } catch { return []; }
}
export function saveGuestVisits(v: GuestVisit[]): void {
  try { localStorage.setItem(GUEST_KEY, JSON.stringify(v.slice(-20))); } catch { /* private mode */ }
}
