import { ConfigError, generateJwtKey, JwtKeySet } from '@tessera/core'
import { jwks } from '@tessera/fastify'
import Fastify from 'fastify'
import { beforeAll, describe, expect, it } from 'vitest'

let keys: JwtKeySet
beforeAll(async () => {
  keys = await JwtKeySet.fromJson({ keys: [await generateJwtKey('EdDSA', { kid: 'k' })] })
})

describe('the jwks plugin for Fastify', () => {
  it('serves GET and HEAD on the configured path with the public keys', async () => {
    const app = Fastify()
    await app.register(jwks, { source: keys, path: '/keys.json', maxAge: 60 })
    const res = await app.inject({ method: 'GET', url: '/keys.json' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['cache-control']).toBe('public, max-age=60')
    expect(res.headers['content-type']).toBe('application/json')
    expect(res.json()).toEqual(keys.jwks())
    expect((await app.inject({ method: 'HEAD', url: '/keys.json' })).statusCode).toBe(200)
    expect((await app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).statusCode).toBe(
      404,
    )
    await app.close()
  })

  it('refuses a missing source or a bad path when registered', async () => {
    const app = Fastify()
    await expect(app.register(jwks, {} as never).ready()).rejects.toThrow(ConfigError)
    const other = Fastify()
    await expect(other.register(jwks, { source: keys, path: 'x' }).ready()).rejects.toThrow(
      'jwks: "path" must be a string starting with "/"',
    )
  })
})
