#!/usr/bin/env node
// The error codes the server can send, read from its sources (src/**/*.{cpp,h}), so the web
// app's error dictionary (web/src/i18n-errors.ts) can be checked against them:
// tests/browser/error-texts.test.mjs fails when a code has no Vietnamese or English text.
//
// An error is built as Error{ErrorKind::kX, "code", …}, make_error(ErrorKind::kX, "code", …),
// invalid(field, "code", message) or a helper of the same shape (forbidden("code", message)):
// a snake_case string literal is a code when it follows an ErrorKind, or when the argument after
// it is a message (it contains a string literal with a space), or when it is the code argument
// of invalid(), make_error() or path_id(). Run alone, it prints the codes as JSON.
import { readdirSync, readFileSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// Codes of errors that never reach an HTTP client: start-up and operator commands (printed by
// the command line), and outside delivery (kept on the delivery as its last error).
const kNotSentOverHttp = new Set([
  'areas_missing', 'areas_malformed', 'invalid_db_url', 'invalid_listen', 'listen_failed', 'invalid_webhook_url',
  'no_users', 'webhook_refused', 'webhook_unreachable',
]);
const kCode = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

function sourceFiles(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(cpp|h)$/.test(e.name) && p !== join(root, 'src', 'main.cpp')) out.push(p);
  }
  return out;
}

/** C++ tokens: string literals (value), identifiers, and single punctuation characters. */
function tokens(text) {
  const out = [];
  const re = /\/\/[^\n]*|\/\*[\s\S]*?\*\/|R"([^(]*)\(([\s\S]*?)\)\1"|"((?:[^"\\\n]|\\.)*)"|'(?:[^'\\]|\\.)*'|([A-Za-z_][A-Za-z0-9_]*)|(\S)/g;
  let m;
  while ((m = re.exec(text))) {
    if (m[0].startsWith('//') || m[0].startsWith('/*')) continue;
    if (m[2] !== undefined) out.push({ kind: 'string', value: m[2] });
    else if (m[3] !== undefined) out.push({ kind: 'string', value: m[3] });
    else if (m[4] !== undefined) out.push({ kind: 'ident', value: m[4] });
    else if (m[5] !== undefined) out.push({ kind: 'punct', value: m[5] });
  }
  return out;
}

/** The tokens of the argument starting at `i`, up to the next top-level ',' or closing bracket. */
function argumentAt(toks, i) {
  const arg = [];
  let depth = 0;
  for (; i < toks.length; i++) {
    const t = toks[i];
    if (t.kind === 'punct') {
      if ('([{'.includes(t.value)) depth++;
      else if (')]}'.includes(t.value)) { if (depth === 0) break; depth--; }
      else if ((t.value === ',' || t.value === ';') && depth === 0) break;
    }
    arg.push(t);
  }
  return arg;
}

// Calls whose code is always the argument at this position, message or not.
const kCodeArgument = { invalid: 1, make_error: 1, path_id: 2 };

/** The function call whose argument list holds token `i`: its name and the argument's index. */
function enclosingCall(toks, i) {
  let depth = 0;
  let index = 0;
  for (let j = i - 1; j >= 0; j--) {
    const t = toks[j];
    if (t.kind !== 'punct') continue;
    if (')]}'.includes(t.value)) depth++;
    else if ('([{'.includes(t.value)) {
      if (depth === 0) return t.value === '(' && toks[j - 1]?.kind === 'ident' ? { name: toks[j - 1].value, index } : null;
      depth--;
    } else if (t.value === ',' && depth === 0) index++;
    else if (t.value === ';' && depth === 0) return null;
  }
  return null;
}

const isMessage = (arg) => arg.some((t) => t.kind === 'string' && t.value.includes(' '));

/** Codes in one file's text, with where each was found. */
export function codesIn(text) {
  const toks = tokens(text);
  const found = new Set();
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    if (t.kind !== 'string' || !kCode.test(t.value) || kNotSentOverHttp.has(t.value)) continue;
    const before = toks.slice(Math.max(0, i - 5), i).map((x) => x.value);
    // Named SQL statements, Sql kSelectX{"select_x", "SELECT …"}, look like codes: they are not.
    if (before.at(-3) === 'Sql' && before.at(-1) === '{') continue;
    // So are statements named for a batch lookup: a name followed by its SQL.
    const sqlNext = toks[i + 2]?.kind === 'string' && /^(SELECT|INSERT|UPDATE|DELETE|WITH)\b/.test(toks[i + 2].value);
    if (sqlNext) continue;
    // A row's note in an import report, {"reason", "field", "message"}: the field is not a code.
    if (before.at(-1) === ',' && before.at(-3) === '{' && toks[i - 2]?.kind === 'string') continue;
    const afterKind = before.length === 5 && before[0] === 'ErrorKind' && before[1] === ':' && before[2] === ':' &&
      before[4] === ',';
    const next = toks[i + 1];
    const messageNext = next?.kind === 'punct' && next.value === ',' && isMessage(argumentAt(toks, i + 2));
    const call = enclosingCall(toks, i);
    const byPosition = call && kCodeArgument[call.name] === call.index;
    if (afterKind || messageNext || byPosition) found.add(t.value);
  }
  return found;
}

/** Every code the server can send, sorted, each with the files it appears in. */
export function serverErrorCodes(dir = join(root, 'src')) {
  const where = new Map();
  for (const file of sourceFiles(dir)) {
    for (const code of codesIn(readFileSync(file, 'utf8'))) {
      if (!where.has(code)) where.set(code, []);
      where.get(code).push(relative(root, file));
    }
  }
  return new Map([...where.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(Object.fromEntries(serverErrorCodes()), null, 1));
}
