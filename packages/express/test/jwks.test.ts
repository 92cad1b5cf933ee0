import { ConfigError, type SessionManager } from '@tessera/core'
import { session } from '@tessera/express'
import type { AdapterApp } from '@tessera/testing'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { jwtSessionManager } from '../../../test-support/jwt-session-manager.js'
import { express, serve } from './lib/serve.js'

let manager: SessionManager
let server: AdapterApp | undefined
beforeAll(async () => {
  manager = await jwtSessionManager()
})
afterEach(async () => {
  await server?.close?.()
  server = undefined
})

describe("session()'s jwks option for Express", () => {
  it('answers GET and HEAD on the configured path over a real socket; everything else goes on', async () => {
    const app = express()
    app.use(session(manager, { jwks: { path: '/keys.json', maxAge: 60 } }))
    app.use((_req, res) => {
      res.status(404).send('next')
    })
    server = await serve(app)
    const send = (path: string, method = 'GET') =>
      (server as AdapterApp).fetch(new Request(`http://127.0.0.1${path}`, { method }))
    const res = await send('/keys.json')
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('public, max-age=60')
    expect(res.headers.get('content-type')).toBe('application/json')
    expect(res.headers.get('set-cookie')).toBeNull()
    expect(await res.json()).toEqual(manager.jwks())
    expect((await send('/keys.json', 'HEAD')).status).toBe(200)
    expect(await (await send('/keys.json', 'POST')).text()).toBe('next')
    expect(await (await send('/.well-known/jwks.json')).text()).toBe('next')
  })

  it('refuses bad options at setup', () => {
    expect(() => session(manager, { jwks: { path: 'keys.json' } })).toThrow(ConfigError)
  })
})
