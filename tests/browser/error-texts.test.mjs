// Every error code the server can send has a Vietnamese and an English text in the web app's
// error dictionary (web/src/i18n-errors.ts), so no page ever shows the server's English message
// ("full_name must not be empty") in the Vietnamese app. The codes are read from the server's
// sources by scripts/error-codes.mjs: a code added anywhere in src/ is checked here too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';
import { codesIn, serverErrorCodes } from '../../scripts/error-codes.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** web/src/i18n-errors.ts, compiled as the app's build does, and imported. */
async function dictionary() {
  const ts = readFileSync(join(root, 'web', 'src', 'i18n-errors.ts'), 'utf8');
  const { code } = transformSync(ts, { loader: 'ts', format: 'esm' });
  return import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
}

test('the code reader finds a code in every shape an error is built in, and nothing else', () => {
  const found = codesIn(`
    constexpr Sql kSelectThing{"select_thing", "SELECT a FROM things WHERE b = $1"};
    return Error{ErrorKind::kConflict, "shape_error_brace",
                 "a message on the next line", "some_field"};
    return make_error(ErrorKind::kNotFound, "shape_make_error", fmt::format("no {}", x));
    return invalid("some_field", "shape_invalid", std::move(message));
    return invalid(fmt::format("{}[{}]", key, i), "shape_invalid_nested", "each item is short");
    return forbidden("shape_helper", "only someone may do this");
    KB_ASSIGN(int64_t id, path_id(req, "id", "shape_path_id"));
    o["status"] = json::object{{"colour", s.colour}, {"reason", "not_a_code"}};
    return {Colour::kYellow, "not_a_reason_code"};
  `);
  assert.deepEqual([...found].sort(), ['shape_error_brace', 'shape_helper', 'shape_invalid', 'shape_invalid_nested',
    'shape_make_error', 'shape_path_id']);
});

test('every error code in src/ has a Vietnamese and an English text in web/src/i18n-errors.ts', async () => {
  const codes = serverErrorCodes();
  assert.ok(codes.size > 100, `only ${codes.size} codes found: the reader is broken`);
  for (const known of ['invalid_phone', 'password_change_required', 'profile_incomplete', 'case_not_found', 'empty']) {
    assert.ok(codes.has(known), `${known} not found in src/`);
  }
  const { errorsVi, errorsEn } = await dictionary();
  const missing = [...codes.keys()].filter((c) => !errorsVi[`err_${c}`] || !errorsEn[`err_${c}`])
    .map((c) => `${c} (${codes.get(c).join(', ')})`);
  assert.deepEqual(missing, [], 'add these to web/src/i18n-errors.ts, in Vietnamese and English');
  // Vietnamese texts are Vietnamese, not a copy of the English.
  const copied = Object.keys(errorsVi).filter((k) => errorsVi[k] === errorsEn[k]);
  assert.deepEqual(copied, []);
});
