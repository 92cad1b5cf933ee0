import { ArgumentError, MemoryStore, SessionManager } from '@tessera/core'
import { describe, expect, it } from 'vitest'
import { cookieFrom, request, SECRET } from '../support/harness.js'

// Django's JSONSerializer (SESSION_SERIALIZER's default): session values are JSON.
describe('session values', () => {
  it('values go through JSON: a Date comes back as a string, and a top-level value JSON cannot carry is an ArgumentError', async () => {
    const manager = new SessionManager({ store: new MemoryStore(), secret: SECRET })
    const when = new Date('2026-01-02T03:04:05.000Z')
    const first = await request(manager, undefined, (s) =>
      s.set('prefs', { when, nested: [1, 'two', null, true] } as never),
    )
    let back: unknown
    await request(manager, cookieFrom(first), async (s) => {
      back = await s.get('prefs')
    })
    expect(back).toEqual({ when: '2026-01-02T03:04:05.000Z', nested: [1, 'two', null, true] })
    for (const bad of [() => 1, undefined, 10n]) {
      await expect(request(manager, undefined, (s) => s.set('x', bad as never))).rejects.toThrow(
        ArgumentError,
      )
    }
  })
})
