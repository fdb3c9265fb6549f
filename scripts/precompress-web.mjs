#!/usr/bin/env node
// Precompresses the built web app for slow networks: next to every text file of web/dist it
// writes FILE.br (brotli, best quality) and FILE.gz (gzip -9), each only when it is smaller
// than the file. The server loads them at start and answers by the client's Accept-Encoding
// (src/http/static_files.h); nothing is compressed per request. Prints each file's sizes.
// Usage: node scripts/precompress-web.mjs [dir]   (default web/dist)
import { readdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join, relative, extname } from 'node:path';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';

const dir = process.argv[2] || 'web/dist';
// Types that compress; images and fonts are compressed already.
const kCompressible = new Set(['.html', '.js', '.mjs', '.css', '.json', '.svg', '.webmanifest', '.txt', '.map']);

function* filesUnder(d) {
  for (const e of readdirSync(d, { withFileTypes: true })) {
    const p = join(d, e.name);
    if (e.isDirectory()) yield* filesUnder(p);
    else if (e.isFile()) yield p;
  }
}

const kib = (n) => `${(n / 1024).toFixed(2)} KiB`;
// Variants left by an earlier run go first; they are remade below when still worth it.
for (const file of [...filesUnder(dir)]) {
  if (file.endsWith('.br') || file.endsWith('.gz')) rmSync(file);
}
const rows = [];
for (const file of [...filesUnder(dir)]) {
  if (!kCompressible.has(extname(file))) continue;
  const plain = readFileSync(file);
  const br = brotliCompressSync(plain, {
    params: {
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: plain.length,
    },
  });
  const gz = gzipSync(plain, { level: 9 });
  if (br.length < plain.length) writeFileSync(`${file}.br`, br);
  if (gz.length < plain.length) writeFileSync(`${file}.gz`, gz);
  rows.push([relative(dir, file), plain.length, gz.length, br.length]);
}

rows.sort((a, b) => a[1] - b[1]);
const width = Math.max(...rows.map((r) => r[0].length));
for (const [name, plain, gz, br] of rows) {
  console.log(`${name.padEnd(width)}  ${kib(plain).padStart(11)}  gzip ${kib(gz).padStart(10)}  br ${kib(br).padStart(10)}`);
}
