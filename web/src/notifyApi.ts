// Inbox, live stream and broadcasts, as the server's /api/v1 speaks them.
import { request } from './api';
import { followStream, type StreamEvent } from './sse';

export type MessageKind = 'urgent' | 'tracing' | 'vaccination' | 'quarantine' | 'info';
export const MESSAGE_KINDS: MessageKind[] = ['urgent', 'info', 'vaccination', 'quarantine', 'tracing'];

export interface InboxItem {
  id: number;
  kind: MessageKind;
  title: string;
  body: string;
  link: string | null;
  published_at: string;
  expires_at: string | null;
  broadcast: boolean;
  person_id: number | null;
  sender: { jurisdiction: string; name: string } | null;
  read: boolean;
  cursor: string;
}

export interface Inbox {
  items: InboxItem[];
  unread: number;
  next_cursor: string | null;
}

export interface Audience {
  national?: boolean;
  provinces?: string[];
  wards?: string[];
}

export interface Preview {
  people: number;
  areas: { code: string; name: string; people: number }[];
  needs_approval: boolean;
  approval_threshold: number;
}

export interface Broadcast {
  id: number;
  kind: MessageKind;
  title: string;
  body: string;
  status: 'pending_approval' | 'sent' | 'recalled';
  audience: { national: boolean; provinces: { code: string; name: string }[]; wards: { code: string; name: string }[] };
  audience_size: number;
  sender_id: number;
  sender: { jurisdiction: string; name: string };
  created_at: string;
  published_at: string | null;
  recalled_at: string | null;
  deliveries: { queued: number; sent: number; failed: number; cancelled: number };
  reads: number;
  may_approve: boolean;  // the signed-in official may release it now
  may_recall: boolean;   // … or recall it
}

export interface NewBroadcast {
  kind: MessageKind;
  title: string;
  body: string;
  link?: string;
  audience: Audience;
}

export const notifyApi = {
  inbox: (cursor?: string) =>
    request<Inbox>('GET', `/me/inbox?limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`),
  markRead: (id: number) => request<void>('POST', `/me/inbox/${id}/read`),
  markAllRead: () => request<{ marked: number }>('POST', '/me/inbox/read-all'),
  preview: (audience: Audience) => request<Preview>('POST', '/broadcasts/preview', { audience }),
  send: (b: NewBroadcast) => request<Broadcast>('POST', '/broadcasts', b),
  broadcasts: () => request<{ broadcasts: Broadcast[] }>('GET', '/broadcasts?limit=20'),
  broadcast: (id: number) => request<Broadcast>('GET', `/broadcasts/${id}`),
  approve: (id: number) => request<Broadcast>('POST', `/broadcasts/${id}/approve`),
  recall: (id: number, reason: string) => request<Broadcast>('POST', `/broadcasts/${id}/recall`, { reason }),
};

/**
 * Follows GET /me/inbox/stream (Server-Sent Events). Read with fetch rather than EventSource
 * so the token travels in the Authorization header, never in a URL; reconnects with
 * Last-Event-ID after a drop. Returns a function that stops it.
 */
export function followInbox(
  after: string | null,
  on: { message: (item: InboxItem) => void; recall: (id: number) => void; status?: (live: boolean) => void },
): () => void {
  const onEvent = ({ event, data }: StreamEvent) => {
    if (!data) return;
    const parsed = JSON.parse(data);
    if (event === 'message') on.message(parsed as InboxItem);
    else if (event === 'recall') on.recall(parsed.id as number);
  };
  return followStream('/api/v1/me/inbox/stream', onEvent, { lastId: after, status: on.status });
}
