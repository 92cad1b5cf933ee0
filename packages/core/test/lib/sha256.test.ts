import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { sha256, sha256WebCrypto } from '../../src/lib/sha256.js'

// Credentials are stored as these hashes: the Node fast path must give exactly the bytes
// Web Crypto gives, or sessions written on one runtime would not open on another.
describe('sha256', () => {
  it('matches Web Crypto for any string, non-ASCII and lone surrogates included', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 400 }), async (text) => {
        expect(await sha256(text)).toBe(await sha256WebCrypto(text))
      }),
    )
  })

  it('is the known digest of "abc" as unpadded base64url', async () => {
    expect(await sha256('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0')
  })
})
