import { defineConfig, type Plugin } from 'vite';
import type { OutputBundle, OutputChunk } from 'rollup';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';

// The citizen's pages that must open without network (web/sw/sw.js precaches them; the staff
// scanner keeps what it loaded itself). Vaccination holds the health book.
const OFFLINE_PAGES = ['MyQr', 'Vaccination', 'Verify', 'Declare'];

// Emits /sw.js from web/sw/sw.js with the files to fetch at install: the entry, its styles, and
// each offline page's chunk with what it imports (hashed names, known only here), and a version
// that changes with them, so a new deploy replaces the old shell cache.
function serviceWorker(): Plugin {
  return {
    name: 'kb-service-worker',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks = Object.values(bundle).filter((c): c is OutputChunk => c.type === 'chunk');
      const files = new Set<string>();
      const visit = (c: OutputChunk) => {
        if (files.has(c.fileName)) return;
        files.add(c.fileName);
        for (const css of c.viteMetadata?.importedCss ?? []) files.add(css);
        for (const f of [...c.imports, ...c.dynamicImports.filter((d) => /tweetnacl|nacl/i.test(d))]) {
          const next = bundle[f];
          if (next?.type === 'chunk') visit(next);
        }
      };
      for (const c of chunks) if (c.isEntry) visit(c);
      for (const page of OFFLINE_PAGES) {
        const chunk = chunks.find((c) => c.facadeModuleId?.endsWith(`/src/pages/${page}.tsx`));
        if (chunk) visit(chunk);
        else this.error(`no chunk for pages/${page}.tsx`);
      }
      const list = [...files].sort().map((f) => `/${f}`);
      const version = createHash('sha256').update(list.join('\n')).digest('hex').slice(0, 12);
      const source = readFileSync(fileURLToPath(new URL('./sw/sw.js', import.meta.url)), 'utf8')
        .replace('var VERSION = __VERSION__;', `var VERSION = ${JSON.stringify(version)};`)
        .replace('var PRECACHE = __PRECACHE__;', `var PRECACHE = ${JSON.stringify(list)};`);
      if (source.includes('= __')) this.error('web/sw/sw.js: a placeholder was not filled');
      this.emitFile({ type: 'asset', fileName: 'sw.js', source });
    },
  };
}

// The page a venue's poster opens (/v/{code}) is the one weak networks meet most. Its chunks
// (see src/lazy.tsx) would be asked for only once the app's entry has arrived and run; this puts
// a few bytes of script in index.html that preloads them on that route, alongside the entry.
function preloadCheckInPage(): Plugin {
  return {
    name: 'kb-preload-check-in-page',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const bundle = ctx.bundle as OutputBundle;
        const chunks = Object.values(bundle).filter((c): c is OutputChunk => c.type === 'chunk');
        const page = chunks.find((c) => c.facadeModuleId?.endsWith('/src/pages/CheckIn.tsx'));
        if (!page) throw new Error('no chunk for pages/CheckIn.tsx');
        // The page's chunk and what it imports, but the entry: that one is on its way already.
        const files = new Set<string>();
        const visit = (c: OutputChunk) => {
          if (c.isEntry || files.has(c.fileName)) return;
          files.add(c.fileName);
          for (const f of c.imports) visit(bundle[f] as OutputChunk);
        };
        visit(page);
        const hrefs = JSON.stringify([...files].map((f) => `/${f}`));
        const script = `<script>if(/^\\/v\\/[^/]+\\/?$/.test(location.pathname))${hrefs}.forEach(function(h){` +
          `var l=document.createElement('link');l.rel='modulepreload';l.href=h;document.head.appendChild(l)})</script>`;
        // Before the stylesheet: an inline script waits for the stylesheets above it.
        const at = html.indexOf('<script type="module"');
        if (at < 0) throw new Error('index.html has no module script');
        return `${html.slice(0, at)}${script}\n    ${html.slice(at)}`;
      },
    },
  };
}

// Root is web/; the C++ server serves web/dist (index.html for any non-API path without a
// file extension, hashed files under /assets/). Nothing is fetched from a CDN at run time.
export default defineConfig({
  base: '/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  plugins: [preloadCheckInPage(), serviceWorker()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    // Syntax old phones still run (browsers from 2019 on: Chrome 73, Safari 12.1): newer syntax
    // (?., ??, class fields) is rewritten. Library calls are not polyfilled.
    target: 'es2019',
    sourcemap: false,
    // scripts/precompress-web.mjs prints the gzip and brotli sizes the server sends.
    reportCompressedSize: false,
  },
  server: {
    // `npm run dev` proxies the API to a locally running `khaibao serve`.
    proxy: { '/api': 'http://127.0.0.1:8080', '/healthz': 'http://127.0.0.1:8080' },
  },
});
