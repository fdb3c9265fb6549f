// A ward (or any area, or a country) picker for long lists: type part of the name, accents optional, and the
// list below narrows to what matches, sorted by name; one match is chosen at once. The list is
// a real <select>, so it works with the keyboard, screen readers and a phone's own picker.
import { useMemo, useState } from 'preact/hooks';
import type { Area } from '../api';
import { useI18n } from '../i18n';
import { fold } from '../lib/text';

export function AreaSelect(props: {
  id: string; label: string; areas: Area[]; value: string; onChange: (code: string) => void;
  disabled?: boolean; error?: string;
  /** Choose the one match while typing (off for a picker that adds to a list). */
  autoPick?: boolean;
  /** The empty option's text when nothing is typed. */
  prompt?: string;
}) {
  const { t } = useI18n();
  const [query, setQuery] = useState('');
  const sorted = useMemo(() => [...props.areas].sort((a, b) => a.name.localeCompare(b.name, 'vi')), [props.areas]);
  const q = fold(query.trim());
  const shown = q ? sorted.filter((a) => fold(a.name).includes(q) || a.code.startsWith(q)) : sorted;
  const chosen = props.areas.find((a) => a.code === props.value);
  // The chosen area stays in the list even when the query no longer matches it.
  const options = chosen && !shown.includes(chosen) ? [chosen, ...shown] : shown;

  function typed(text: string) {
    setQuery(text);
    const f = fold(text.trim());
    if (!f || props.autoPick === false) return;
    const hits = sorted.filter((a) => fold(a.name).includes(f) || a.code.startsWith(f));
    const exact = hits.filter((a) => fold(a.name) === f);
    const only = hits.length === 1 ? hits[0] : exact.length === 1 ? exact[0] : null;
    if (only && only.code !== props.value) props.onChange(only.code);
  }

  return (
    <div class={`field area-select${props.error ? ' has-error' : ''}`}>
      <label for={props.id}>{props.label}</label>
      <input type="search" id={`${props.id}-search`} value={query} autoComplete="off" disabled={props.disabled}
        placeholder={t('areaTypeToSearch')} aria-label={`${props.label}: ${t('areaTypeToSearch')}`}
        data-testid={`${props.id}-search`} onInput={(e) => typed((e.currentTarget as HTMLInputElement).value)} />
      <select id={props.id} name={props.id} value={props.value} disabled={props.disabled}
        onChange={(e) => props.onChange((e.currentTarget as HTMLSelectElement).value)}>
        <option value="">{q ? t('areaMatches', { n: shown.length }) : props.prompt ?? t('choose')}</option>
        {options.map((a) => <option value={a.code}>{a.name}</option>)}
      </select>
      {props.error && <p class="field-error" role="alert" data-testid={`error-${props.id}`}>{props.error}</p>}
    </div>
  );
}
