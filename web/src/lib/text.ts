// Matching what people type against names: case and Vietnamese accents optional.

/** Lower-case and strip Vietnamese diacritics (đ → d), so "ha noi" finds "Hà Nội". */
export function fold(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/gi, 'd').toLowerCase();
}

/** Whether `text` contains what was typed, accents and case optional; an empty query matches. */
export function matches(text: string, query: string): boolean {
  const q = fold(query.trim());
  return !q || fold(text).includes(q);
}
