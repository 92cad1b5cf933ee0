import type { NextConfig } from 'next'

// The part of webpack's configuration touched below.
interface WebpackConfig {
  resolve: { conditionNames?: string[]; extensionAlias?: Record<string, string[]> }
}

const config: NextConfig = {
  // The demo's API paths (`/api/login/`), as Django writes them.
  trailingSlash: true,
  // forbidden() answers a refused Server Action with 403.
  experimental: { authInterrupts: true },
  // NEXT_DIST_DIR lets a test build into a temporary directory instead of .next.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  // Inside this repository the example compiles Tessera from its TypeScript sources, as
  // the tests do: the packages export them under the `@tessera/source` condition, and
  // their imports name `.js` files that are `.ts` sources. Turbopack (Next.js 16's
  // default) can be given neither, so the example builds with webpack (`next build
  // --webpack`). An app that installs the published packages (built `dist/`) deletes
  // this hook and builds with Turbopack.
  webpack: (webpackConfig: WebpackConfig) => {
    webpackConfig.resolve.conditionNames = ['@tessera/source', '...']
    webpackConfig.resolve.extensionAlias = { '.js': ['.ts', '.tsx', '.js'] }
    return webpackConfig
  },
  // Native and socket clients stay ordinary Node requires instead of being bundled.
  serverExternalPackages: ['better-sqlite3', 'ioredis'],
}

export default config
