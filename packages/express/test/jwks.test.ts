import { ConfigError, generateJwtKey, JwtKeySet } from '@tessera/core'
import { jwks } from '@tessera/express'
import type { AdapterApp } from '@tessera/testing'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { express, serve } from './lib/serve.js'

let keys: JwtKeySet
let server: AdapterApp | undefined
beforeAll(async () => {
  keys = await JwtKeySet.fromJson({ keys: [await generateJwtKey('EdDSA', { kid: 'k' })] })
})
afterEach(async () => {
  await server?.close?.()
  server = undefined
})

describe('jwks() for Express', () => {
  it('answers GET and HEAD on the configured path over a real socket; everything else goes on', async () => {
    const app = express()
    app.use(jwks(keys, { path: '/keys.json', maxAge: 60 }))
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
    expect(await res.json()).toEqual(keys.jwks())
    expect((await send('/keys.json', 'HEAD')).status).toBe(200)
    expect(await (await send('/keys.json', 'POST')).text()).toBe('next')
    expect(await (await send('/.well-known/jwks.json')).text()).toBe('next')
  })

  it('refuses bad options at setup', () => {
    expect(() => jwks(keys, { path: 'keys.json' })).toThrow(ConfigError)
  })
})
