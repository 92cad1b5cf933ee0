import type { NextConfig } from 'next'

const config: NextConfig = {
  // The demo's API paths (`/api/login/`), as Django writes them.
  trailingSlash: true,
  // forbidden() answers a refused Server Action with 403.
  experimental: { authInterrupts: true },
  // NEXT_DIST_DIR lets a test build into a temporary directory instead of .next.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  // Native and socket clients stay ordinary Node requires instead of being bundled.
  serverExternalPackages: ['better-sqlite3', 'ioredis'],
}

export default config
