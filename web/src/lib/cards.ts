// The staff scanner's reading of identity cards on the device, for scans made without network
// (src/scan/cccd_qr.h and bhyt_qr.h are the server's readings, which decide). Only enough to
// show the guard whose card it is: a card says nothing of its holder's health, and only the
// server knows who declared — so a card read offline is "not verifiable offline", never green.

export interface CardReading {
  kind: 'cccd' | 'bhyt';
  name: string;  // masked as the server masks it: "N*** V*** An"
}

/** "Nguyễn Văn An" → "N*** V*** An": the given name and each other word's first letter. */
export function maskName(full: string): string {
  const words = full.trim().split(/\s+/).filter(Boolean);
  return words.map((w, i) => (i === words.length - 1 ? w : `${Array.from(w)[0]}***`)).join(' ');
}

function hexText(hex: string): string | null {
  if (hex.length % 2 !== 0 || /[^0-9a-f]/i.test(hex)) return null;
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.substr(i * 2, 2), 16);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** A chip-ID (CCCD) or health-insurance (BHYT) card's QR text, or null for anything else. */
export function readCard(payload: string): CardReading | null {
  const text = payload.trim();
  const fields = text.replace(/\|$/, '').split('|');
  if (/^\d{12}\|/.test(text)) {
    if (fields.length !== 7 || !fields[2].trim()) return null;
    return { kind: 'cccd', name: maskName(fields[2]) };
  }
  if (/^[A-Za-z]{2}\d{13}\|/.test(text)) {
    if (fields.length < 4) return null;
    const name = hexText(fields[1]) ?? fields[1];
    return name.trim() ? { kind: 'bhyt', name: maskName(name) } : null;
  }
  return null;
}
