import { type AuthUser, MemoryStore, SessionManager, type UserProvider } from '@tessera/core'
import { createRequestLifecycle, type RequestView } from '@tessera/core/adapter'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

const users: UserProvider<AuthUser> = {
  findByUsername: async () => null,
  findById: async () => null,
  replacePasswordHash: async () => true,
}
const lifecycle = createRequestLifecycle(
  new SessionManager({
    store: new MemoryStore(),
    secret: 'login-required-secret-login-required-0123',
  }),
  {
    users,
    loginRequired: { paths: ['/api/', '/Admin'], allowAnonymous: ['GET /api/open'] },
  },
)

/** The status an anonymous GET of `path` is refused with, or `undefined` when admitted. */
async function refusal(path: string): Promise<number | undefined> {
  const view: RequestView = {
    method: 'GET',
    url: `http://app.test${path}`,
    path,
    header: () => undefined,
    headers: () => new Headers(),
  }
  const scope = lifecycle.open(view)
  if (scope instanceof Response) throw new Error('refused at open')
  return (await scope.admit())?.status
}

// What a router may do to a path before routing on it (Fastify decodes escapes,
// Express ignores case, slash options merge or drop slashes).
const respell = (path: string, choices: number[]): string =>
  [...path]
    .map((c, i) => {
      const choice = choices[i % choices.length] as number
      if (choice === 1) return `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`
      if (choice === 2) return c.toUpperCase()
      if (choice === 3 && c === '/') return '//'
      return c
    })
    .join('')

describe('loginRequired', () => {
  it('puts every spelling a router may read as a path of the group into the group', async () => {
    const segment = fc.stringMatching(/^[a-z0-9._~-]{0,12}$/)
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/api/', '/admin'),
        segment,
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 16 }),
        async (prefix, rest, choices) => {
          const path = respell(prefix + rest, choices)
          expect({ path, status: await refusal(path) }).toEqual({ path, status: 401 })
        },
      ),
    )
  })

  it('admits paths outside the group and the exact opt-out only', async () => {
    expect(await refusal('/')).toBeUndefined()
    expect(await refusal('/apiary')).toBeUndefined()
    expect(await refusal('/static/api/')).toBeUndefined()
    expect(await refusal('/api/open')).toBeUndefined()
    // Another spelling of the opt-out is not the opt-out.
    expect(await refusal('/api/%6Fpen')).toBe(401)
    expect(await refusal('/API/open')).toBe(401)
    // With or without the final slash: `/api` is the group's root.
    expect(await refusal('/api')).toBe(401)
    expect(await refusal('/administrator')).toBe(401)
  })

  it('never throws on hostile paths', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 64 }), async (tail) => {
        const status = await refusal(`/${tail}`)
        expect(status === undefined || status === 401).toBe(true)
      }),
    )
    expect(await refusal('/%E0%A4%A/api/')).toBeUndefined()
    expect(await refusal('/%61pi/%E0%A4%A')).toBe(401)
  })
})
