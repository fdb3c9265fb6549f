// /kiosk/{venue id}: a screen at the door showing a QR that changes every minute. A check-in
// through it proves the visitor stood in front of the screen, so it counts for more than one
// through the printed poster (which a photo can carry anywhere).
import { useEffect, useState } from 'preact/hooks';
import { getToken } from '../api';
import { useI18n } from '../i18n';
import { navigate } from '../router';
import { errorText } from '../components/ui';
import { venuesApi, type KioskCode } from '../venuesApi';

export function Kiosk({ venueId }: { venueId: string }) {
  const { t } = useI18n();
  const [code, setCode] = useState<KioskCode | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (!getToken()) { navigate('/staff-login', true); return; }
    let timer = 0;
    let live = true;
    async function load() {
      try {
        const k = await venuesApi.kioskCode(venueId);
        if (!live) return;
        setCode(k);
        setError(null);
        timer = window.setTimeout(load, Math.max(5, k.refresh_in) * 1000);
      } catch (e) {
        if (!live) return;
        setError(e);
        timer = window.setTimeout(load, 10000);
      }
    }
    void load();
    return () => { live = false; clearTimeout(timer); };
  }, [venueId]);

  return (
    <div class="kiosk" data-testid="kiosk">
      {error && <p class="form-error" role="alert">{errorText(error, t)}</p>}
      {code && (
        <>
          <h1 data-testid="kiosk-venue">{code.venue.name}</h1>
          <p class="kiosk-hint">{t('kioskHint')}</p>
          <div class="kiosk-qr" data-testid="kiosk-qr" data-url={code.url}
            // The SVG comes from our own server's QR encoder.
            dangerouslySetInnerHTML={{ __html: code.qr_svg }} />
          <p class="muted">{t('kioskRotates')}</p>
          <p class="kiosk-code">{code.venue.code}</p>
        </>
      )}
    </div>
  );
}
