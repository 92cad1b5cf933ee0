import { ConfigError } from '@tessera/core'
import { resolveAnonymousRoutes } from '@tessera/core/adapter'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

describe('resolveAnonymousRoutes', () => {
  const open = resolveAnonymousRoutes(['POST /api/login/', 'GET /api/csrf/', '/health'])

  it('allows exactly the listed routes; GET covers HEAD; a bare path any method', () => {
    expect(open.allows('POST', '/api/login/')).toBe(true)
    expect(open.allows('HEAD', '/api/csrf/')).toBe(true)
    expect(open.allows('DELETE', '/health')).toBe(true)
    expect(open.allows('GET', '/api/login/')).toBe(false)
    expect(open.allows('POST', '/api/login')).toBe(false)
    expect(open.allows('POST', '/api/login/x')).toBe(false)
    expect(open.allows('POST', '/API/login/')).toBe(false)
  })

  it('throws ConfigError with the index for a wildcard, a query or a non-path', () => {
    for (const [list, i, shown] of [
      [['/api/*'], 0, '"/api/*"'],
      [['/ok', 'GET api/x'], 1, '"GET api/x"'],
      [['/ok', '/x?y=1'], 1, '"/x?y=1"'],
    ] as const) {
      let error: unknown
      try {
        resolveAnonymousRoutes(list)
      } catch (e) {
        error = e
      }
      expect(error).toBeInstanceOf(ConfigError)
      expect((error as Error).message).toBe(
        `allowAnonymous[${i}] must be an exact "/path" or "METHOD /path" (no query or wildcard), got ${shown}`,
      )
    }
  })

  it('never throws on, and never opens, a request that is not listed (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (method, path) => {
        const listed =
          path === '/health' ||
          (method === 'POST' && path === '/api/login/') ||
          ((method === 'GET' || method === 'HEAD') && path === '/api/csrf/')
        expect(open.allows(method, path)).toBe(listed)
      }),
      { numRuns: 2000 },
    )
  })
})
