import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateJwtKey, type JwtPrivateJwk } from '@tessera/core'
import { importJWK, SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type DemoProcess, startDemoProcess } from '../../../test-support/demo-process.js'
import { startFederatedProcess } from '../../../test-support/federated-process.js'
import { freePort } from '../../../test-support/private-redis.js'
import type { ServiceProcess } from '../../../test-support/service-process.js'

// A key the app stops publishing must stop being trusted by the federated service within
// its JWKS_MAX_AGE_MS (plus jose's 2 s fetch timeout). With jose's default cache (10
// minutes) a removed key kept verifying tokens for minutes. Real processes: the demo's
// own JWKS endpoint, the federated service as `npm run federated` runs it.

const MAX_AGE_MS = 1500
const FETCH_TIMEOUT_MS = 2000

const dataDir = mkdtempSync(join(tmpdir(), 'tessera-key-removal-'))
const keysFile = join(dataDir, 'jwt-keys.json')
let port = 0
let current: JwtPrivateJwk
let retired: JwtPrivateJwk
let demo: DemoProcess | undefined
let federated: ServiceProcess

const startDemo = (keys: Record<string, unknown>[]): Promise<DemoProcess> => {
  writeFileSync(keysFile, JSON.stringify({ keys }), { mode: 0o600 })
  return startDemoProcess(
    { DATA_DIR: dataDir, SESSION_FORMAT: 'jwt', JWT_KEYS_FILE: keysFile, PORT: String(port) },
    120_000,
  )
}

/** A session JWT as the demo signs it, with `key` (by its kid) or with no kid at all. */
async function sign(key: JwtPrivateJwk, header: { kid?: string } = { kid: key.kid }) {
  const iat = Math.floor(Date.now() / 1000)
  return new SignJWT({ sub: '1', username: 'admin' })
    .setProtectedHeader({ alg: key.alg, typ: 'tessera-session+jwt', ...header })
    .setIssuer('tessera-demo')
    .setAudience('tessera-federated')
    .setIssuedAt(iat)
    .setExpirationTime(iat + 600)
    .sign(await importJWK(key, key.alg))
}

const whoami = async (token: string): Promise<number> =>
  (await fetch(`${federated.url}/whoami`, { headers: { authorization: `Bearer ${token}` } })).status

const published = async (): Promise<string[]> => {
  const res = await fetch(`http://127.0.0.1:${port}/.well-known/jwks.json`)
  return ((await res.json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid)
}

beforeAll(async () => {
  current = await generateJwtKey('EdDSA', { kid: 'current' })
  // Another algorithm, so an EdDSA token without kid has exactly one candidate key.
  retired = await generateJwtKey('ES256', { kid: 'retired' })
  port = await freePort()
  // The rotation's middle: the old key retired an hour ago, inside the default grace.
  demo = await startDemo([current, { ...retired, retiredAt: Math.floor(Date.now() / 1000) - 3600 }])
  federated = await startFederatedProcess({
    JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    JWKS_MAX_AGE_MS: String(MAX_AGE_MS),
  })
}, 180_000)

afterAll(async () => {
  await Promise.all([demo?.stop(), federated?.stop()])
  rmSync(dataDir, { recursive: true, force: true })
}, 30_000)

describe('the federated service and a key the app stops publishing', () => {
  it('refuses a token without kid, as the app does, even with a single matching key in the JWKS', async () => {
    expect(await whoami(await sign(current))).toBe(200)
    expect(await whoami(await sign(current, {}))).toBe(401)
  })

  it(`refuses the removed key's tokens within JWKS_MAX_AGE_MS (${MAX_AGE_MS} ms) + the fetch timeout`, async () => {
    const old = await sign(retired)
    expect(await published()).toEqual(['current', 'retired'])
    // Trusted while published: the service has now cached a JWKS holding the key.
    expect(await whoami(old)).toBe(200)

    // The operator ends the rotation: the old key leaves the key-set file, so the JWKS.
    await demo?.stop()
    demo = await startDemo([current])
    expect(await published()).toEqual(['current'])
    // Every JWKS the service may hold with the old key was fetched before this moment
    // (or by a fetch in flight, which ends within the fetch timeout).
    const removedBy = Date.now()
    await until(() => Date.now() > removedBy + MAX_AGE_MS + FETCH_TIMEOUT_MS)
    expect(await whoami(old)).toBe(401)
    expect(await whoami(await sign(current))).toBe(200)
    expect(federated.output()).toMatch(`refetched every ${MAX_AGE_MS} ms`)
  }, 180_000)
})

/** Polls `done` every 50 ms until it holds (the test's own timeout bounds the wait). */
async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((r) => setTimeout(r, 50))
}
