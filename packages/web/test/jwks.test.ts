import { ConfigError, type SessionManager } from '@tessera/core'
import { withSession } from '@tessera/web'
import { beforeAll, describe, expect, it } from 'vitest'
import { jwtSessionManager } from '../../../test-support/jwt-session-manager.js'

let manager: SessionManager
beforeAll(async () => {
  manager = await jwtSessionManager()
})

describe("withSession()'s jwks option", () => {
  it('answers GET and HEAD on the configured path; everything else reaches the handler with its extra arguments', async () => {
    const handler = withSession(
      manager,
      (_request: Request, _context, env: string) => new Response(`next ${env}`, { status: 404 }),
      { jwks: { path: '/keys.json', maxAge: 60 } },
    )
    const res = await handler(new Request('https://app.test/keys.json'), 'env')
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('public, max-age=60')
    expect(res.headers.getSetCookie()).toEqual([])
    expect(await res.json()).toEqual(manager.jwks())
    expect(
      (await handler(new Request('https://app.test/keys.json', { method: 'HEAD' }), 'env')).status,
    ).toBe(200)
    expect(
      await (
        await handler(new Request('https://app.test/keys.json', { method: 'POST' }), 'env')
      ).text(),
    ).toBe('next env')
    expect(
      await (await handler(new Request('https://app.test/.well-known/jwks.json'), 'env')).text(),
    ).toBe('next env')
  })

  it('refuses bad options at setup', () => {
    expect(() => withSession(manager, () => new Response(), { jwks: { maxAge: 1.5 } })).toThrow(
      ConfigError,
    )
  })
})
