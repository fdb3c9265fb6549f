// A person's details: name, ID document, birth date, sex, phone, address. Used for the
// account holder and for dependants; errors from the server sit under the field they name.
import { useState } from 'preact/hooks';
import type { Person, PersonDetails } from '../api-declarations';
import { useI18n } from '../i18n';
import { AddressPicker } from './AddressPicker';
import { Field, FormError, fieldErrors, hasErrors, type FieldErrors } from './ui';
import type { Translate } from '../i18n';

const FIELDS = ['full_name', 'id_kind', 'id_number', 'birth_date', 'sex', 'phone', 'province_code', 'ward_code',
  'street'] as const;
type F = typeof FIELDS[number];

export const emptyDetails: PersonDetails = {
  full_name: '', id_kind: 'cccd', id_number: '', birth_date: '', sex: '', phone: '', province_code: '', ward_code: '',
  street: '',
};

export function detailsOf(p: Person): PersonDetails {
  return {
    full_name: p.full_name, id_kind: p.id_kind || 'cccd', id_number: p.id_number, birth_date: p.birth_date,
    sex: p.sex, phone: p.phone, province_code: p.province_code, ward_code: p.ward_code, street: p.street,
  };
}

/**
 * What the form can tell before asking the server, every field at once (the server answers with
 * the first error only): the same rules as people/household.cpp, loosely for the phone.
 */
export function checkPerson(d: PersonDetails, isSelf: boolean, t: Translate, today = new Date()): FieldErrors<F> {
  const found: FieldErrors<F> = {};
  const name = d.full_name.trim();
  if (!name) found.full_name = t('err_required');
  else if (!/^[\p{L}\p{M}\s'.-]+$/u.test(name)) found.full_name = t('err_invalid_name');
  const id = d.id_number.replace(/[\s.-]/g, '').toUpperCase();
  if (!id) found.id_number = t('err_required');
  else if (d.id_kind === 'cccd' ? !/^\d{12}$/.test(id) : !/^[A-Z0-9]{6,15}$/.test(id)) {
    found.id_number = t('err_invalid_id_number');
  }
  if (!d.birth_date) found.birth_date = t('err_required');
  else if (Number.isNaN(Date.parse(d.birth_date))) found.birth_date = t('err_invalid_date');
  else if (d.birth_date > today.toISOString().slice(0, 10)) found.birth_date = t('err_in_future');
  else if (d.birth_date < '1900-01-01') found.birth_date = t('err_too_old');
  if (!d.sex) found.sex = t('err_invalid_sex');
  const phone = d.phone.replace(/[\s.()-]/g, '');
  if (!phone && isSelf) found.phone = t('err_required');
  else if (phone && !/^\+?\d{9,12}$/.test(phone)) found.phone = t('err_invalid_phone');
  if (!d.province_code) found.province_code = t('err_required');
  if (!d.ward_code) found.ward_code = t('err_required');
  if (!d.street.trim()) found.street = t('err_required');
  return found;
}

export function PersonForm(props: {
  initial: PersonDetails; isSelf: boolean; onSave: (d: PersonDetails) => Promise<void>;
}) {
  const { t } = useI18n();
  const [d, setD] = useState<PersonDetails>(props.initial);
  const [errors, setErrors] = useState<FieldErrors<F>>({});
  const [busy, setBusy] = useState(false);
  const set = (k: keyof PersonDetails) => (e: Event) => setD({ ...d, [k]: (e.target as HTMLInputElement).value });

  async function submit(e: Event) {
    e.preventDefault();
    const found = checkPerson(d, props.isSelf, t);
    setErrors(found);
    if (hasErrors(found)) {
      document.querySelector('.has-error')?.scrollIntoView({ block: 'center' });
      return;
    }
    setBusy(true);
    try {
      await props.onSave(d);
    } catch (err) {
      setErrors(fieldErrors(err, t, FIELDS));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} noValidate data-testid="person-form">
      <FormError message={errors.form} />
      <Field name="full_name" label={t('fullNameLabel')} value={d.full_name} onInput={set('full_name')}
        autoComplete="name" error={errors.full_name} />
      <div class="field">
        <label for="id_kind">{t('idKindLabel')}</label>
        <select id="id_kind" name="id_kind" value={d.id_kind} onChange={set('id_kind')}>
          <option value="cccd">{t('idKind_cccd')}</option>
          <option value="passport">{t('idKind_passport')}</option>
        </select>
      </div>
      <Field name="id_number" label={t('idNumberLabel')} value={d.id_number} onInput={set('id_number')}
        inputMode={d.id_kind === 'cccd' ? 'numeric' : 'text'} error={errors.id_number} />
      <Field name="birth_date" type="date" label={t('birthDateLabel')} value={d.birth_date}
        onInput={set('birth_date')} error={errors.birth_date} />
      <fieldset class={`field choice-group${errors.sex ? ' has-error' : ''}`}>
        <legend>{t('sexLabel')}</legend>
        {(['male', 'female'] as const).map((s) => (
          <label class="choice">
            <input type="radio" name="sex" value={s} checked={d.sex === s} onChange={() => setD({ ...d, sex: s })} />
            {t(`sex_${s}`)}
          </label>
        ))}
        {errors.sex && <p class="field-error" role="alert" data-testid="error-sex">{errors.sex}</p>}
      </fieldset>
      <Field name="phone" type="tel" inputMode="tel" label={props.isSelf ? t('phoneLabel') : t('phoneOptional')}
        value={d.phone} onInput={set('phone')} error={errors.phone} />
      <AddressPicker prefix="" province={d.province_code} ward={d.ward_code} errors={errors}
        onChange={(province, ward) => setD({ ...d, province_code: province, ward_code: ward })} />
      <Field name="street" label={t('streetLabel')} value={d.street} onInput={set('street')}
        autoComplete="street-address" error={errors.street} />
      <button type="submit" class="btn-primary btn-big" disabled={busy} data-testid="save-person">
        {busy ? t('saving') : t('save')}
      </button>
    </form>
  );
}
