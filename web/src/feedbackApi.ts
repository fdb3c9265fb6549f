// Citizen feedback as the server's /api/v1 speaks it: reports, hotline calls, triage.
import { request } from './api';

export type FeedbackKind = 'venue_not_scanning' | 'returned_from_outbreak' | 'crowding' | 'other';
export const FEEDBACK_KINDS: FeedbackKind[] = ['venue_not_scanning', 'returned_from_outbreak', 'crowding', 'other'];
export type FeedbackStatus = 'new' | 'in_progress' | 'closed';

export interface FeedbackEvent {
  at: string;
  status: FeedbackStatus;
  note: string;
  by_official: boolean;
}

export interface FeedbackReport {
  id: number;
  tracking_number: string;
  kind: FeedbackKind;
  text: string;
  venue_id: number | null;
  venue_name: string | null;
  province_code: string;
  ward_code: string | null;
  area_name: string;
  status: FeedbackStatus;
  channel: 'app' | 'hotline';
  /** Masked; officials only. */
  sender_phone?: string;
  created_at: string;
  updated_at: string;
  events: FeedbackEvent[];
}

export interface NewFeedback {
  kind: FeedbackKind;
  text: string;
  venue_code?: string;
  province_code?: string;
  ward_code?: string;
}

export const feedbackApi = {
  send: (r: NewFeedback) => request<FeedbackReport>('POST', '/feedback', r),
  hotline: (r: NewFeedback & { caller_phone: string }) => request<FeedbackReport>('POST', '/feedback/hotline', r),
  mine: () => request<{ reports: FeedbackReport[] }>('GET', '/me/feedback'),
  list: (status: FeedbackStatus | 'open' | '', trackingNumber = '') => {
    const q = new URLSearchParams();
    if (status) q.set('status', status);
    if (trackingNumber) q.set('tracking_number', trackingNumber);
    const qs = q.toString();
    return request<{ reports: FeedbackReport[] }>('GET', `/feedback${qs ? `?${qs}` : ''}`);
  },
  get: (id: number) => request<FeedbackReport>('GET', `/feedback/${id}`),
  move: (id: number, status: FeedbackStatus, note: string) =>
    request<FeedbackReport>('POST', `/feedback/${id}/status`, { status, note: note || undefined }),
};
