import { defineConfig } from 'vite'

/**
 * The dashboard: a static app in dist/, served by the collector at `/` (apps/collector/src/routes/dashboard.ts).
 * `pnpm --filter @sightline/dashboard dev` proxies the API to a collector at $SIGHTLINE_COLLECTOR (default :3000).
 */
export default defineConfig({
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', assetsDir: 'assets' },
  server: {
    proxy: {
      '/v1': { target: process.env.SIGHTLINE_COLLECTOR ?? 'http://127.0.0.1:3000', changeOrigin: true },
    },
  },
})
