// Where a citizen's notices go besides the inbox: SMS, the province's Zalo official account, or
// both (GET/PUT /api/v1/me/channels). Zalo works once a follower has linked this phone in the
// chat and agreed to health data there; until then notices still come by SMS.
import { useEffect, useState } from 'preact/hooks';
import { request } from '../api';
import { useI18n } from '../i18n';
import { FormError, errorText } from './ui';

interface Choice { channels: string[]; chat_linked: boolean }

export function ChannelChoice() {
  const { t } = useI18n();
  const [choice, setChoice] = useState<Choice | null>(null);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState('');

  useEffect(() => {
    request<Choice>('GET', '/me/channels').then(setChoice, (e) => setError(errorText(e, t)));
  }, []);

  async function toggle(channel: string) {
    if (!choice) return;
    const on = choice.channels.includes(channel);
    const channels = on ? choice.channels.filter((c) => c !== channel) : [...choice.channels, channel];
    if (channels.length === 0) { setError(t('channelsAtLeastOne')); return; }
    setError('');
    setSaved(false);
    try {
      setChoice(await request<Choice>('PUT', '/me/channels', { channels }));
      setSaved(true);
    } catch (e) {
      setError(errorText(e, t));
    }
  }

  if (!choice) return <FormError message={error} />;
  return (
    <section class="card" data-testid="channel-choice">
      <h2 class="h-sub">{t('channelsTitle')}</h2>
      <p class="muted small">{t('channelsHint')}</p>
      <label class="check-row">
        <input type="checkbox" checked={choice.channels.includes('sms')} onChange={() => toggle('sms')} data-testid="channel-sms" />
        {t('channelsSms')}
      </label>
      <label class="check-row">
        <input type="checkbox" checked={choice.channels.includes('chat')} onChange={() => toggle('chat')} data-testid="channel-chat" />
        {t('channelsChat')}
      </label>
      {choice.channels.includes('chat') && !choice.chat_linked && <p class="muted small">{t('channelsChatNotLinked')}</p>}
      {saved && <p class="muted small" role="status">{t('channelsSaved')}</p>}
      <FormError message={error} />
    </section>
  );
}
