import { ConfigError, generateJwtKey, JwtKeySet } from '@tessera/core'
import { jwks } from '@tessera/hono'
import { Hono } from 'hono'
import { beforeAll, describe, expect, it } from 'vitest'

let keys: JwtKeySet
beforeAll(async () => {
  keys = await JwtKeySet.fromJson({ keys: [await generateJwtKey('EdDSA', { kid: 'k' })] })
})

describe('jwks() for Hono', () => {
  it('answers GET and HEAD on the configured path with the public keys; everything else goes on', async () => {
    const app = new Hono()
    app.use(jwks(keys, { path: '/keys.json', maxAge: 60 }))
    app.all('*', (c) => c.text('next', 404))
    const res = await app.request('/keys.json')
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('public, max-age=60')
    expect(res.headers.get('content-type')).toBe('application/json')
    expect(await res.json()).toEqual(keys.jwks())
    expect((await app.request('/keys.json', { method: 'HEAD' })).status).toBe(200)
    expect(await (await app.request('/keys.json', { method: 'POST' })).text()).toBe('next')
    expect(await (await app.request('/.well-known/jwks.json')).text()).toBe('next')
  })

  it('refuses bad options at setup', () => {
    expect(() => jwks(keys, { path: 'keys.json' })).toThrow(ConfigError)
    expect(() => jwks(keys, { maxAge: -1 })).toThrow(
      'jwks: "maxAge" must be a whole number of seconds ≥ 0',
    )
  })
})
