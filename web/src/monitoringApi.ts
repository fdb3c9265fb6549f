// Monitoring (quarantine, home care) as the server's /api/v1 speaks it: the person's own
// monitoring and daily report, and the officials' board with its live alerts.
import { request } from './api';
import { followStream } from './sse';

export type OrderKind = 'f1_quarantine' | 'f0_home_care' | 'entry' | 'area';
export type BoardList = 'red_flag' | 'due_for_release' | 'non_reporting' | 'reporting' | 'closed';
export const BOARD_LISTS: BoardList[] = ['red_flag', 'non_reporting', 'reporting', 'due_for_release', 'closed'];

export interface Order {
  id: number;
  kind: OrderKind;
  person_id: number;
  ward_code: string;
  place: 'home' | 'facility';
  facility_name: string;
  reports_per_day: number;
  starts_at: string;
  quarantine_until: string;
  ends_at: string;
  days_left: number;
  status: 'open' | 'released' | 'transferred' | 'superseded';
  last_report_at: string | null;
  open_alerts: number;
}

export interface Report {
  id: number;
  slot: number;
  measured_at: string;
  temperature: number | null;
  spo2: number | null;
  breathing_rate: number | null;
  pulse: number | null;
  symptoms: string[];
  note: string;
  red_flags: string[];
}

export interface MyMonitoring {
  person: { id: number; full_name: string; is_self: boolean };
  order: Order | null;
  area_orders: { id: number; ends_at: string }[];
  organisation_check: boolean; // an organisation asks them for the daily report
  today: { slot: number; done: boolean }[];
  history: Report[];
}

export interface NewReport {
  person_id: number;
  temperature?: number;
  spo2?: number;
  breathing_rate?: number;
  pulse?: number;
  symptoms: string[];
  note?: string;
  client_id: string;
}

export interface BoardRow extends Order {
  person: { id: number; full_name: string; phone: string; id_number: string; birth_date: string };
  alert_id: number | null;
  red_flags: string[];
}

export interface Board {
  list: BoardList;
  counts: Record<BoardList, number>;
  items: BoardRow[];
}

export interface AlertEvent {
  id: number;
  order_id: number;
  person_id: number;
  full_name: string;
  red_flags: string[];
  acknowledged_at: string | null;
}

/** The symptoms the daily report offers (the server's list, rules.h kReportSymptoms). */
export const REPORT_SYMPTOMS = [
  'fever', 'cough', 'sore_throat', 'runny_nose', 'loss_of_taste_smell', 'fatigue', 'muscle_pain', 'headache',
  'diarrhoea', 'shortness_of_breath', 'chest_pain', 'confusion', 'cyanosis', 'cannot_eat_or_drink',
] as const;

const enc = encodeURIComponent;

export const monitoringApi = {
  mine: () => request<{ people: MyMonitoring[] }>('GET', '/me/monitoring'),
  report: (r: NewReport) => request<Report & { alert_raised: boolean }>('POST', '/monitoring/reports', r),
  board: (list: BoardList, reason: string, search = '') =>
    request<Board>('GET', `/monitoring/board?reason=${enc(reason)}&list=${list}${search ? `&search=${enc(search)}` : ''}`),
  placeForContact: (contactId: number) =>
    request<{ orders: Order[] }>('POST', '/monitoring/orders', { kind: 'f1_quarantine', contact_id: contactId }),
  acknowledge: (alertId: number, note: string) =>
    request<{ id: number }>('POST', `/monitoring/alerts/${alertId}/acknowledge`, { note }),
  extend: (orderId: number, days: number, reason: string) =>
    request<Order>('POST', `/monitoring/orders/${orderId}/extend`, { days, reason }),
  transfer: (orderId: number, hospital: string, reason: string) =>
    request<Order>('POST', `/monitoring/orders/${orderId}/transfer`, { hospital, ...(reason ? { reason } : {}) }),
  placeArea: (wards: string[], endsAt: string) =>
    request<{ area: { id: number; ends_at: string } }>('POST', '/monitoring/orders', { kind: 'area', wards, ...(endsAt ? { ends_at: endsAt } : {}) }),
};

/**
 * Follows GET /monitoring/board/stream (Server-Sent Events) with the token in a header, as
 * followInbox does; `alert` for each alert raised or acknowledged, `update` when orders changed.
 * After a drop it resumes with Last-Event-ID (the stream's cursor: the last alert id it sent), so
 * an alert raised while the connection was down still arrives. Returns a function that stops it.
 */
export function followBoard(reason: string, on: { alert: (a: AlertEvent) => void; update: () => void }): () => void {
  let connections = 0;
  return followStream(`/api/v1/monitoring/board/stream?reason=${enc(reason)}`, ({ event, data }) => {
    if (event === 'alert' && data) on.alert(JSON.parse(data) as AlertEvent);
    else if (event === 'update') on.update();
    // Each connection opens with its cursor; after a reconnection the board reloads what changed.
    else if (event === 'cursor' && connections++ > 0) on.update();
  }, { lastId: null });
}
