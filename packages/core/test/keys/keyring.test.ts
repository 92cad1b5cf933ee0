import { Keyring } from '@tessera/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { webCryptoHmac } from '../../../../test-support/web-crypto-hmac.js'

/** HMAC-SHA256 of `purpose\0data` under `secret` with Web Crypto, as unpadded base64url. */
async function webCryptoMac(secret: string, purpose: string, data: string): Promise<string> {
  return Buffer.from(await webCryptoHmac(secret, `${purpose}\u0000${data}`)).toString('base64url')
}

// Signed cookies (the anonymous CSRF secret, shared-session codes) and auth hashes carry
// these MACs: Node's synchronous HMAC must give exactly the bytes Web Crypto gives, or
// values signed before an upgrade, or on another runtime, would stop verifying.
describe('Keyring', () => {
  it('signs exactly as Web Crypto HMAC-SHA256, non-ASCII and lone surrogates included', async () => {
    const text = fc.string({ unit: 'binary', maxLength: 200 })
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary', minLength: 32, maxLength: 80 }),
        text,
        text,
        async (secret, purpose, data) => {
          const keyring = new Keyring(secret)
          const mac = await keyring.sign(purpose, data)
          expect(mac).toBe(await webCryptoMac(secret, purpose, data))
          expect(await keyring.verify(purpose, data, mac)).toBe(true)
        },
      ),
      { numRuns: 200 },
    )
  })

  it('verifies a MAC made under a fallback secret and refuses one made under another', async () => {
    const current = 'current-secret-current-secret-current-secret'
    const old = 'old-secret-old-secret-old-secret-old-secret!'
    const keyring = new Keyring(current, [old])
    const byOld = await new Keyring(old).sign('csrf', 'value')
    expect(await keyring.verify('csrf', 'value', byOld)).toBe(true)
    expect(await keyring.verify('other-purpose', 'value', byOld)).toBe(false)
    const stranger = await new Keyring('stranger-secret-stranger-secret-stranger!').sign(
      'csrf',
      'value',
    )
    expect(await keyring.verify('csrf', 'value', stranger)).toBe(false)
  })
})
