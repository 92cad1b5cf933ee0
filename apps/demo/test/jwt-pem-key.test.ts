import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRemoteJWKSet, decodeProtectedHeader, importSPKI, jwtVerify } from 'jose'
import { afterAll, describe, expect, it } from 'vitest'
import { startDemoProcess } from '../../../test-support/demo-process.js'
import { onPath, serviceGate } from '../../../test-support/require-service.js'
import { Client } from './client.js'

// django-session-jwt's `key` setting takes a path to a PEM key file: the demo's
// JWT_KEY_FILE does the same, with a key openssl made a moment ago.

const gate = serviceGate('openssl', onPath('openssl'), 'the openssl command is not on PATH')
const dir = mkdtempSync(join(tmpdir(), 'tessera-jwt-pem-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' })

describe.skipIf(gate.skip)('JWT_KEY_FILE: a PEM private key made by openssl', () => {
  it.each([
    ['EdDSA', ['-algorithm', 'ed25519']],
    ['RS256', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048']],
  ])(
    '%s: the demo issues JWT session cookies that the public key and the JWKS both verify',
    async (alg, genArgs) => {
      const keyFile = join(dir, `${alg}.pem`)
      openssl('genpkey', ...genArgs, '-out', keyFile)
      const publicPem = openssl('pkey', '-in', keyFile, '-pubout').toString()
      const dataDir = mkdtempSync(join(dir, 'data-'))
      const demo = await startDemoProcess(
        { DATA_DIR: dataDir, SESSION_FORMAT: 'jwt', JWT_KEY_FILE: keyFile },
        120_000,
      )
      try {
        expect(demo.output()).toContain(`Session cookies: JWT (${keyFile})`)
        const client = new Client({ request: (url, init) => fetch(url, init) }, demo.url)
        expect((await client.login('admin', 'admin')).status).toBe(200)
        const jwt = client.cookie('sessionid') as string
        expect(decodeProtectedHeader(jwt).alg).toBe(alg)
        const expected = { issuer: 'tessera-demo', audience: 'tessera-federated' }
        const byPem = await jwtVerify(jwt, await importSPKI(publicPem, alg), expected)
        expect(byPem.payload).toMatchObject({ username: 'admin', sub: '1' })
        expect(typeof byPem.payload.sid).toBe('string')
        const jwks = createRemoteJWKSet(new URL(`${demo.url}/.well-known/jwks.json`))
        const byJwks = await jwtVerify(jwt, jwks, expected)
        expect(byJwks.payload.sid).toBe(byPem.payload.sid)
      } finally {
        await demo.stop()
      }
    },
  )

  it('a missing file, or a public key, stops startup with a message naming the file', async () => {
    const publicFile = join(dir, 'public.pem')
    openssl('genpkey', '-algorithm', 'ed25519', '-out', join(dir, 'p.pem'))
    openssl('pkey', '-in', join(dir, 'p.pem'), '-pubout', '-out', publicFile)
    for (const [file, message] of [
      [join(dir, 'absent.pem'), `JWT_KEY_FILE ${join(dir, 'absent.pem')} cannot be read (ENOENT)`],
      [publicFile, `JWT_KEY_FILE ${publicFile} must hold a PKCS#8 private key`],
    ] as const) {
      const started = startDemoProcess({
        DATA_DIR: mkdtempSync(join(dir, 'data-')),
        SESSION_FORMAT: 'jwt',
        JWT_KEY_FILE: file,
      })
      await expect(started).rejects.toThrow(message)
    }
  })
})
