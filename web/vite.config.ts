import { defineConfig, type Plugin } from 'vite';
import type { OutputBundle, OutputChunk } from 'rollup';

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
  plugins: [preloadCheckInPage()],
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
