// Server-Sent Events read with fetch rather than EventSource, so the token travels in the
// Authorization header, never in a URL. One reader for every live page (inbox, monitoring board).
import { getToken } from './api';

export interface StreamEvent {
  event: string; // 'message' when the block names none
  data: string; // the data lines joined; may be empty
  id: string | null;
}

/**
 * Follows the stream at `url`, calling `onEvent` for each event; after a drop it reconnects in
 * 3 s. Given `lastId` (null: from now), it resumes: each connection sends Last-Event-ID, the last
 * id that came with data. `status` hears whether the stream is connected. Returns a function
 * that stops it.
 */
export function followStream(
  url: string,
  onEvent: (e: StreamEvent) => void,
  opts: { lastId?: string | null; status?: (live: boolean) => void } = {},
): () => void {
  let stopped = false;
  const resume = opts.lastId !== undefined;
  let lastId = opts.lastId ?? null;
  let controller: AbortController | null = null;
  async function run() {
    while (!stopped) {
      controller = new AbortController();
      try {
        const headers: Record<string, string> = { accept: 'text/event-stream' };
        const token = getToken();
        if (token) headers.authorization = `Bearer ${token}`;
        if (lastId) headers['last-event-id'] = lastId;
        const res = await fetch(url, { headers, signal: controller.signal });
        if (!res.ok || !res.body) throw new Error(`stream ${res.status}`);
        opts.status?.(true);
        const reader = res.body.getReader();
        const decoder = new TextDecoder();
        let buffer = '';
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let at;
          while ((at = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, at);
            buffer = buffer.slice(at + 2);
            const e: StreamEvent = { event: 'message', data: '', id: null };
            for (const line of block.split('\n')) {
              if (line.startsWith('event: ')) e.event = line.slice(7);
              else if (line.startsWith('data: ')) e.data += line.slice(6);
              else if (line.startsWith('id: ')) e.id = line.slice(4);
            }
            if (resume && e.data && e.id) lastId = e.id;
            onEvent(e);
          }
        }
      } catch {
        /* dropped or aborted: retry below unless stopped */
      }
      opts.status?.(false);
      if (!stopped) await new Promise((r) => setTimeout(r, 3000));
    }
  }
  void run();
  return () => {
    stopped = true;
    controller?.abort();
  };
}
