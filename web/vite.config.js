// Vite builds the three pages (shopper /, mall screen /screen, operator dashboard /ops) into dist/.
// ./mallquest start-api serves dist/ on the API's port; the deploy copies it to the site bucket.
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const here = import.meta.dirname;
const api = process.env.MALLQUEST_API ?? 'http://127.0.0.1:3000';

export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    rollupOptions: {
      input: {
        shopper: resolve(here, 'index.html'),
        screen: resolve(here, 'screen.html'),
        ops: resolve(here, 'ops.html'),
      },
    },
  },
  server: {
    // `npm run dev` serves the pages with hot reload and sends API calls to a running start-api. The dev sign-in
    // (/local/dev-token) answers only requests addressed to start-api itself from its own origin (DNS rebinding), so
    // the proxy presents them as such; Vite's own host and CORS checks guard this dev server.
    proxy: {
      ...Object.fromEntries(
        ['/receipts', '/stores', '/users', '/effects', '/metrics', '/health', '/admin', '/rewards', '/redemptions',
          '/coupons', '/leaderboards', '/config.json'].map((p) => [p, api])),
      '/local': { target: api, changeOrigin: true, headers: { origin: new URL(api).origin } },
    },
  },
});
