// The phone camera reading QR codes (jsQR on video frames), for the staff scanner and the
// citizen's "scan a venue QR". The same text is not reported twice in a row within a few
// seconds (a code held in front of the camera is one scan); nothing is reported while `paused`.
import { useEffect, useRef, useState } from 'preact/hooks';
import jsQR from 'jsqr';
import { useI18n } from '../i18n';

const SAME_TEXT_PAUSE_MS = 4000;

export function QrCamera({ onText, paused }: { onText: (text: string) => void; paused?: boolean }) {
  const { t } = useI18n();
  const [camera, setCamera] = useState<'starting' | 'on' | 'failed'>('starting');
  const videoRef = useRef<HTMLVideoElement>(null);
  const lastRef = useRef<{ text: string; at: number }>({ text: '', at: 0 });
  // Read through refs so the camera loop started once always sees the latest props.
  const onTextRef = useRef(onText);
  const pausedRef = useRef(paused);
  onTextRef.current = onText;
  pausedRef.current = paused;

  useEffect(() => {
    let stream: MediaStream | null = null;
    let timer = 0;
    let stopped = false;
    const canvas = document.createElement('canvas');
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    async function start() {
      if (!navigator.mediaDevices?.getUserMedia) { setCamera('failed'); return; }
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
      } catch {
        if (!stopped) setCamera('failed');
        return;
      }
      if (stopped) { stream.getTracks().forEach((tr) => tr.stop()); return; }
      const video = videoRef.current!;
      video.srcObject = stream;
      video.setAttribute('playsinline', 'true');
      await video.play().catch(() => undefined);
      setCamera('on');
      tick();
    }
    function tick() {
      if (stopped) return;
      const video = videoRef.current;
      if (video && ctx && video.readyState >= 2 && video.videoWidth > 0 && !pausedRef.current) {
        const w = video.videoWidth;
        const h = video.videoHeight;
        canvas.width = w;
        canvas.height = h;
        ctx.drawImage(video, 0, 0, w, h);
        const found = jsQR(ctx.getImageData(0, 0, w, h).data, w, h, { inversionAttempts: 'dontInvert' });
        const now = Date.now();
        if (found && found.data) {
          const last = lastRef.current;
          if (found.data !== last.text || now - last.at > SAME_TEXT_PAUSE_MS) {
            lastRef.current = { text: found.data, at: now };
            onTextRef.current(found.data);
          } else {
            last.at = now;
          }
        }
      }
      timer = window.setTimeout(tick, 120);
    }
    void start();
    return () => {
      stopped = true;
      clearTimeout(timer);
      stream?.getTracks().forEach((tr) => tr.stop());
    };
  }, []);

  return (
    <div class="camera-box">
      <video ref={videoRef} muted playsInline data-testid="scanner-video" />
      <p class="muted" data-testid="camera-state">
        {camera === 'on' ? t('cameraOn') : camera === 'failed' ? t('cameraFailed') : t('cameraStarting')}
      </p>
    </div>
  );
}
