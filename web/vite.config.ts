import { defineConfig } from 'vite';

// Root is web/; the C++ server serves web/dist (index.html for any non-API path without a
// file extension, hashed files under /assets/). Nothing is fetched from a CDN at run time.
export default defineConfig({
  base: '/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    // Syntax old phones still run (Chrome 73+ / Android WebView, Safari 12.1): newer syntax
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
