// Where something is: a province, then one of its wards (searchable), for every form with an
// address.
import { useEffect, useState } from 'preact/hooks';
import { api, type Area } from '../api';
import { useI18n } from '../i18n';
import { AreaSelect } from './AreaSelect';

/**
 * Province and ward pickers, the provinces and a province's wards loaded as chosen: the person
 * form, the entry declaration, venue and organisation registration. Ids and error keys are
 * `{prefix}province_code` and `{prefix}ward_code`.
 */
export function AddressPicker(props: {
  prefix: string; province: string; ward: string; errors: Record<string, string | undefined>;
  onChange: (province: string, ward: string) => void;
}) {
  const { t } = useI18n();
  const [provinces, setProvinces] = useState<Area[]>([]);
  const [wards, setWards] = useState<Area[]>([]);
  useEffect(() => { api.provinces().then(setProvinces, () => setProvinces([])); }, []);
  useEffect(() => {
    if (!props.province) { setWards([]); return; }
    api.wards(props.province).then(setWards, () => setWards([]));
  }, [props.province]);
  const pName = `${props.prefix}province_code`;
  const wName = `${props.prefix}ward_code`;
  return (
    <>
      <div class={`field${props.errors[pName] ? ' has-error' : ''}`}>
        <label for={pName}>{t('provinceLabel')}</label>
        <select id={pName} name={pName} value={props.province}
          onChange={(e) => props.onChange((e.target as HTMLSelectElement).value, '')}>
          <option value="">{t('choose')}</option>
          {provinces.map((p) => <option value={p.code}>{p.name}</option>)}
        </select>
        {props.errors[pName] && <p class="field-error" role="alert" data-testid={`error-${pName}`}>{props.errors[pName]}</p>}
      </div>
      <AreaSelect id={wName} label={t('wardLabel')} areas={wards} value={props.ward} disabled={!props.province}
        error={props.errors[wName]} onChange={(code) => props.onChange(props.province, code)} />
    </>
  );
}
