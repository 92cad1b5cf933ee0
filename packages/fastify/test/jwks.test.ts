import { ConfigError, type SessionManager } from '@tessera/core'
import { tesseraSession } from '@tessera/fastify'
import Fastify from 'fastify'
import { beforeAll, describe, expect, it } from 'vitest'
import { jwtSessionManager } from '../../../test-support/jwt-session-manager.js'

let manager: SessionManager
beforeAll(async () => {
  manager = await jwtSessionManager()
})

describe("tesseraSession's jwks option", () => {
  it('serves GET and HEAD on the configured path with the public keys', async () => {
    const app = Fastify()
    await app.register(tesseraSession, { manager, jwks: { path: '/keys.json', maxAge: 60 } })
    const res = await app.inject({ method: 'GET', url: '/keys.json' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['cache-control']).toBe('public, max-age=60')
    expect(res.headers['content-type']).toBe('application/json')
    expect(res.headers['set-cookie']).toBeUndefined()
    expect(res.json()).toEqual(manager.jwks())
    expect((await app.inject({ method: 'HEAD', url: '/keys.json' })).statusCode).toBe(200)
    expect((await app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).statusCode).toBe(
      404,
    )
    await app.close()
  })

  it('refuses a bad path when registered', async () => {
    const app = Fastify()
    await expect(
      app.register(tesseraSession, { manager, jwks: { path: 'x' } }).ready(),
    ).rejects.toThrow(ConfigError)
    const other = Fastify()
    await expect(
      other.register(tesseraSession, { manager, jwks: { path: 'x' } }).ready(),
    ).rejects.toThrow('jwks: "path" must be a string starting with "/"')
  })
})
