// Vite builds the three pages (shopper /, mall screen /screen, operator dashboard /ops) into dist/.
// ./mallquest start-api serves dist/ on the API's port; the deploy copies it to the site bucket.
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const here = import.meta.dirname;

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
    // `npm run dev` serves the pages with hot reload and sends API calls to a running start-api.
    proxy: Object.fromEntries(
      ['/receipts', '/stores', '/users', '/effects', '/metrics', '/health', '/admin', '/rewards', '/redemptions',
        '/coupons', '/leaderboards', '/config.json', '/local'].map((p) => [p, process.env.MALLQUEST_API ?? 'http://127.0.0.1:3000'])),
  },
});
