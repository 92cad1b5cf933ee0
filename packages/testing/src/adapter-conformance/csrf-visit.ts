import { expect } from 'vitest'
import type { OpenApp } from './suite-context.js'

/**
 * A browser's first visit: it fetches a CSRF token and keeps the cookie that carries the
 * token's secret. An anonymous visit stores no session, so that cookie is the signed
 * `sessionid_csrf`, never `sessionid`.
 */
export async function visitForCsrfToken(app: OpenApp): Promise<{ cookie: string; token: string }> {
  const res = await app.send('/csrf-token')
  expect(res.status).toBe(200)
  expect(res.headers.get('cache-control')).toBe('no-store')
  const { csrfToken } = (await res.json()) as { csrfToken: string }
  expect(csrfToken).toMatch(/^[a-zA-Z0-9]{64}$/)
  const set = res.headers.getSetCookie()
  expect(set.filter((c) => c.startsWith('sessionid='))).toEqual([])
  const cookie = set.find((c) => c.startsWith('sessionid_csrf='))?.split(';')[0]
  expect(cookie).toMatch(/^sessionid_csrf=[a-zA-Z0-9]{32}\.[\w-]{43}$/)
  return { cookie: cookie as string, token: csrfToken }
}
