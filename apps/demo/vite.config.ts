import { fileURLToPath } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vite'

// Absolute paths: Vite resolves a relative `root` against the process's working
// directory, and the demo may be started from the repository root or from apps/demo.
const root = fileURLToPath(new URL('./web', import.meta.url))

/**
 * The demo SPA. `src/web.ts` builds it with this file on startup when `web/` changed,
 * and the Hono app serves `web/dist` on the same origin as the API, so the session and
 * CSRF cookies are first-party and no CORS is involved.
 */
export default defineConfig({
  root,
  base: '/',
  plugins: [vue()],
  build: {
    outDir: fileURLToPath(new URL('./web/dist', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    // Small images stay files rather than data: URIs; the CSP allows both.
    assetsInlineLimit: 0,
  },
})
