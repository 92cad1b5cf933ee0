import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'

/** The demo's settings, read once from the environment at startup. */
export interface DemoConfig {
  host: string
  port: number
  dataDir: string
  secret: string
  /** Exact origins (besides the app's own) allowed to send unsafe requests. */
  trustedOrigins: string[]
}

/**
 * Reads `HOST`, `PORT`, `DATA_DIR`, `TESSERA_SECRET` and `TRUSTED_ORIGINS` (comma-separated). Without a secret, one is
 * generated into `DATA_DIR/secret` (mode 0600) on first start and reused after, so
 * restarting the demo logs nobody out.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): DemoConfig {
  const host = env.HOST || '127.0.0.1'
  const port = env.PORT === undefined || env.PORT === '' ? 3000 : Number(env.PORT)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a whole number from 0 to 65535, got "${env.PORT}"`)
  }
  const dataDir = resolve(env.DATA_DIR || 'data')
  mkdirSync(dataDir, { recursive: true })
  const trustedOrigins = (env.TRUSTED_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean)
  return {
    host,
    port,
    dataDir,
    secret: env.TESSERA_SECRET || readOrCreateSecret(dataDir),
    trustedOrigins,
  }
}

function readOrCreateSecret(dataDir: string): string {
  const file = resolve(dataDir, 'secret')
  if (existsSync(file)) return readFileSync(file, 'utf8').trim()
  const secret = randomBytes(32).toString('base64url')
  writeFileSync(file, `${secret}\n`, { mode: 0o600 })
  return secret
}
