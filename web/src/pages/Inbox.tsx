// /inbox: the citizen's notifications, newest first; new ones appear live (Server-Sent Events)
// and recalled ones disappear, without a reload.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, getToken, setToken } from '../api';
import { useI18n, type MessageKey } from '../i18n';
import { navigate } from '../router';
import { ChannelChoice } from '../components/ChannelChoice';
import { FormError, Layout, errorText } from '../components/ui';
import { formatDateTime } from '../lib/dates';
import { followInbox, notifyApi, type InboxItem } from '../notifyApi';


export function Inbox() {
  const { t } = useI18n();
  const [items, setItems] = useState<InboxItem[] | null>(null);
  const [unread, setUnread] = useState(0);
  const [next, setNext] = useState<string | null>(null);
  const [live, setLive] = useState(false);
  const [error, setError] = useState('');

  useEffect(() => {
    if (!getToken()) { navigate('/login', true); return; }
    let stop: (() => void) | null = null;
    let active = true;
    notifyApi.inbox().then((page) => {
      if (!active) return;
      setItems(page.items);
      setUnread(page.unread);
      setNext(page.next_cursor);
      // Follow from the newest message shown, so nothing published in between is missed.
      stop = followInbox(page.items[0]?.cursor ?? null, {
        message: (item) => setItems((list) => {
          if (!list || list.some((i) => i.id === item.id)) return list;
          if (!item.read) setUnread((n) => n + 1);
          return [item, ...list];
        }),
        recall: (id) => setItems((list) => {
          const gone = list?.find((i) => i.id === id);
          if (gone && !gone.read) setUnread((n) => Math.max(0, n - 1));
          return list ? list.filter((i) => i.id !== id) : list;
        }),
        status: setLive,
      });
    }, (e) => {
      if (!active) return;
      if (e instanceof ApiError && e.status === 401) { setToken(null); navigate('/login', true); return; }
      setError(errorText(e, t));
    });
    return () => { active = false; stop?.(); };
  }, []);

  async function open(item: InboxItem) {
    if (item.read) return;
    try {
      await notifyApi.markRead(item.id);
      setItems((list) => list && list.map((i) => (i.id === item.id ? { ...i, read: true } : i)));
      setUnread((n) => Math.max(0, n - 1));
    } catch (e) {
      setError(errorText(e, t));
    }
  }

  async function markAll() {
    try {
      await notifyApi.markAllRead();
      setItems((list) => list && list.map((i) => ({ ...i, read: true })));
      setUnread(0);
    } catch (e) {
      setError(errorText(e, t));
    }
  }

  async function more() {
    if (!next) return;
    try {
      const page = await notifyApi.inbox(next);
      setItems((list) => [...(list ?? []), ...page.items.filter((i) => !list?.some((j) => j.id === i.id))]);
      setNext(page.next_cursor);
    } catch (e) {
      setError(errorText(e, t));
    }
  }

  return (
    <Layout signedIn>
      <div class="stack">
        <section class="card">
          <div class="section-head">
            <h1>{t('inboxTitle')}</h1>
            {unread > 0 && <span class="badge" data-testid="inbox-unread">{t('inboxUnread', { n: unread })}</span>}
          </div>
          <p class="muted small" data-testid="inbox-live" data-live={live ? 'yes' : 'no'}>
            <span class={`dot ${live ? '' : 'dot-none'}`} aria-hidden="true" /> {live ? t('inboxLive') : t('inboxOffline')}
          </p>
          {unread > 0 && <button type="button" class="btn-link" onClick={markAll} data-testid="inbox-mark-all">{t('inboxMarkAll')}</button>}
        </section>
        <FormError message={error} />
        {items === null ? <p class="muted">{t('loading')}</p> : items.length === 0 ? (
          <p class="muted" data-testid="inbox-empty">{t('inboxEmpty')}</p>
        ) : (
          <ul class="plain-list stack" data-testid="inbox-list">
            {items.map((item) => (
              <li key={item.id} class={`card inbox-item${item.read ? '' : ' unread'}${item.kind === 'urgent' ? ' urgent' : ''}`}
                data-testid={`inbox-item-${item.id}`} data-read={item.read ? 'yes' : 'no'} onClick={() => open(item)}>
                <div class="section-head">
                  <span class="chip">{t(`msgkind_${item.kind}` as MessageKey)}</span>
                  {!item.read && <span class="badge">{t('inboxNew')}</span>}
                </div>
                <h2 class="h-sub">{item.title}</h2>
                <p style="white-space: pre-line">{item.body}</p>
                {item.link && <p><a href={item.link} target="_blank" rel="noopener noreferrer">{t('inboxOpenLink')}</a></p>}
                <p class="muted small">
                  {formatDateTime(item.published_at)} · {item.broadcast ? t('inboxBroadcast') : t('inboxPersonal')}
                  {item.sender ? ` · ${t('inboxFrom', { name: item.sender.name })}` : ''}
                </p>
              </li>
            ))}
          </ul>
        )}
        {next && <button type="button" class="btn-ghost" onClick={more}>{t('inboxMore')}</button>}
        <ChannelChoice />
      </div>
    </Layout>
  );
}
