import type { JsonValue, Session } from '@tessera/core'
import { getCookie, SessionManager } from '@tessera/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { SuiteContext } from '../suite-context.js'

// Names every plain JavaScript object inherits, and the accessor that swaps prototypes:
// as session keys they must be ordinary data, never a door into Object.prototype.
const PROTOTYPE_KEYS = [
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
  '__lookupGetter__',
] as const

// A value that, assigned under `__proto__` on an ordinary object, would make `isAdmin`
// appear on the whole record. JSON.parse keeps `__proto__` as an own property.
const PROTOTYPE_PAYLOAD = JSON.parse('{"__proto__":{"isAdmin":true},"isAdmin":false}')

const jsonValue: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constant({ isAdmin: true }),
  fc.constant(PROTOTYPE_PAYLOAD),
  fc.array(fc.integer(), { maxLength: 3 }),
)

const SECRET = 'conformance-suite-secret-0123456789abcdef'

/**
 * Session data through a {@link SessionManager} over the store under test: keys named like
 * `Object.prototype` members are plain data or absent on write, on read, and after the
 * store's JSON round trip.
 */
export function sessionDataCases(ctx: SuiteContext): void {
  describe('session data keys', () => {
    it('__proto__, constructor, toString and arbitrary keys are own data, before and after a store round trip', async () => {
      const manager = new SessionManager({ store: ctx.store, secret: SECRET, clock: ctx.clock.now })
      const key = fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS), fc.string({ minLength: 1 }))
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(fc.tuple(key, jsonValue), { selector: ([k]) => k, maxLength: 6 }),
          async (entries) => {
            const written = new Map(entries)
            written.set('__proto__', { isAdmin: true })
            const session = manager.open({ cookie: null, secure: true })
            await expectOnly(session, new Map())
            for (const [k, v] of written) await session.set(k, v)
            await expectOnly(session, written)
            const { setCookie } = await manager.commit(session)
            const cookie = setCookie.map((c) => c.split(';')[0]).join('; ')
            expect(getCookie(cookie, manager.cookieName)).toBeDefined()
            const reopened = manager.open({ cookie, secure: true })
            await expectOnly(reopened, written)
            // A second write on the loaded record: the rebuilt data must stay plain too.
            await reopened.delete('__proto__')
            written.delete('__proto__')
            await expectOnly(reopened, written)
          },
        ),
        { numRuns: 40 },
      )
    })
  })
}

/** `session` holds exactly `expected`, and nothing inherited shows through any reader. */
async function expectOnly(session: Session, expected: Map<string, JsonValue>): Promise<void> {
  expect((await session.keys()).sort()).toEqual([...expected.keys()].sort())
  for (const [k, v] of expected) {
    expect(await session.has(k)).toBe(true)
    expect(await session.get(k)).toEqual(v)
  }
  for (const k of [...PROTOTYPE_KEYS, 'isAdmin']) {
    if (expected.has(k)) continue
    expect(await session.has(k)).toBe(false)
    expect(await session.get(k)).toBeUndefined()
  }
  const data = await session.data()
  expect(Object.getPrototypeOf(data)).toBeNull()
  expect(Object.keys(data).sort()).toEqual([...expected.keys()].sort())
  expect((data as Record<string, unknown>).isAdmin).toBe(expected.get('isAdmin'))
}
