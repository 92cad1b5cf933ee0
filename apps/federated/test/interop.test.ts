import { execFile, execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateJwtKey } from '@tessera/core'
import { decodeProtectedHeader } from 'jose'
import { afterAll, describe, expect, it } from 'vitest'
import { type DemoProcess, startDemoProcess } from '../../../test-support/demo-process.js'
import { serviceGate } from '../../../test-support/require-service.js'
import { Client } from '../../demo/test/client.js'
import { createFederatedApp } from '../src/app.js'
import { ASYMMETRIC_ALGORITHMS, loadFederatedConfig } from '../src/config.js'
import { createTokenVerifier } from '../src/token-verifier.js'

// Debian's interpreter on purpose: python3-jwt is installed for it, not for a pyenv one.
const PYTHON = '/usr/bin/python3'
const VERIFIER = join(import.meta.dirname, '..', 'interop', 'verify_session_jwt.py')

function pyjwtVersion(): string | undefined {
  try {
    return execFileSync(PYTHON, ['-c', 'import jwt, cryptography; print(jwt.__version__)'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim()
  } catch {
    return undefined
  }
}
const version = pyjwtVersion()
const gate = serviceGate(
  'pyjwt',
  version !== undefined,
  `${PYTHON} cannot import jwt and cryptography (apt-get install python3-jwt python3-cryptography)`,
)

const { issuer, audience, typ } = loadFederatedConfig({})

/** Runs the PyJWT verifier on `token` with only the JWKS URL; resolves with its stdout and exit code. */
function pyjwt(jwksUrl: string, token: string): Promise<{ code: number; out: unknown }> {
  return new Promise((resolve, reject) => {
    // Asynchronous on purpose: the demo serving the JWKS runs in another process, but a
    // synchronous spawn would also freeze this test's own timers.
    const child = execFile(
      PYTHON,
      [VERIFIER, '--jwks', jwksUrl, '--issuer', issuer, '--audience', audience, '--typ', typ],
      { timeout: 20_000 },
      (error, stdout) => {
        if (error && typeof error.code !== 'number') return reject(error)
        try {
          resolve({ code: error ? (error.code as number) : 0, out: JSON.parse(stdout) })
        } catch {
          reject(new Error(`PyJWT verifier printed no JSON: ${stdout}`))
        }
      },
    )
    child.stdin?.end(token)
  })
}

const cleanup: (() => Promise<void> | void)[] = []
afterAll(async () => {
  for (const f of cleanup.reverse()) await f()
}, 30_000)

describe.skipIf(gate.skip)(
  `interop: PyJWT ${version ?? ''} reads the demo's cookie with only the JWKS`,
  () => {
    for (const alg of ['EdDSA', 'ES256'] as const) {
      it(`prints the same claims as the federated service (${alg})`, async () => {
        const dataDir = mkdtempSync(join(tmpdir(), `tessera-interop-${alg}-`))
        cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }))
        const env: Record<string, string> = { DATA_DIR: dataDir, SESSION_FORMAT: 'jwt' }
        if (alg === 'ES256') {
          // An operator-provided key file (JWT_KEYS_FILE) instead of the generated EdDSA key.
          const file = join(dataDir, 'es256-keys.json')
          writeFileSync(file, JSON.stringify({ keys: [await generateJwtKey('ES256')] }), {
            mode: 0o600,
          })
          env.JWT_KEYS_FILE = file
        }
        const demo: DemoProcess = await startDemoProcess(env, 120_000)
        cleanup.push(() => demo.stop())
        const jwksUrl = `${demo.url}/.well-known/jwks.json`

        const browser = new Client({ request: (input, init) => fetch(input, init) }, demo.url)
        expect((await browser.login('admin', 'admin')).status).toBe(200)
        const token = browser.cookie('sessionid') as string
        expect(decodeProtectedHeader(token).alg).toBe(alg)

        const federated = createFederatedApp({
          cookieName: 'sessionid',
          verify: createTokenVerifier({
            keys: new URL(jwksUrl),
            issuer,
            audience,
            typ,
            algorithms: [...ASYMMETRIC_ALGORITHMS],
          }),
        })
        const res = await federated.request('/whoami', {
          headers: { cookie: `sessionid=${token}` },
        })
        expect(res.status).toBe(200)
        const { claims } = (await res.json()) as { claims: Record<string, unknown> }
        expect(claims).toMatchObject({ username: 'admin', sub: expect.any(String) })

        const python = await pyjwt(jwksUrl, token)
        expect(python).toEqual({ code: 0, out: claims })

        // And it is a real check: an edited payload is refused.
        const [h, p, s] = token.split('.') as [string, string, string]
        const flipped = `${h}.${p.slice(0, -2)}${p.at(-2) === 'A' ? 'B' : 'A'}${p.at(-1)}.${s}`
        expect((await pyjwt(jwksUrl, flipped)).code).toBe(1)
      }, 180_000)
    }
  },
)
