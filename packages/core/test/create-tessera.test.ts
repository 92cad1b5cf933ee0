import {
  type AuditEvent,
  createTessera,
  MemoryRateLimitStore,
  MemoryStore,
  StoreError,
  StoreOutageLog,
} from '@tessera/core'
import { ManualClock } from '@tessera/testing'
import { describe, expect, it } from 'vitest'
import { plainHasher, userTable } from './management/fixture.js'
import { cookieFrom, SECRET, T0 } from './support/harness.js'

/** A memory store whose user index is down, as a store whose connection dropped. */
class UserIndexDown extends MemoryStore {
  override deleteByUser(): Promise<number> {
    return Promise.reject(new Error('connection reset'))
  }
}

/** A counter store that is down. */
class CountersDown extends MemoryRateLimitStore {
  override reserve(): never {
    throw new Error('connection reset')
  }
}

describe('createTessera: one composition root', () => {
  it('management, audit and the manager share one store, keys and clock', async () => {
    const clock = new ManualClock(T0)
    const tessera = createTessera({
      store: new MemoryStore({ clock: clock.now }),
      secret: SECRET,
      clock: clock.now,
    })
    const events: AuditEvent[] = []
    const audit = tessera.auditTrail({ sink: { write: (e) => void events.push(e) } })
    const { users } = userTable()
    const management = tessera.management({ users, hasher: plainHasher, audit })

    const login = tessera.manager.open({ cookie: undefined, secure: true, userAgent: 'test' })
    const user = await management.authenticate('ada', 'ada-pw')
    if (!user) throw new Error('ada did not authenticate')
    await management.login(login, user)
    const cookie = cookieFrom(await tessera.manager.commit(login))

    const later = tessera.manager.open({ cookie, secure: true })
    const rows = await management.list(later)
    expect(rows).toHaveLength(1)
    expect(rows[0]?.current).toBe(true)
    // The manager's clock, given once: the login time and the audit event agree with it.
    expect(rows[0]?.createdAt).toBe(T0)
    await audit.flush()
    expect(events.find((e) => e.type === 'login')?.at).toBe(T0)
  })

  it('one storeOutageLog reaches management and throttling built from the manager', async () => {
    const lines: string[] = []
    const outages = new StoreOutageLog({ write: (line) => void lines.push(line) })
    const tessera = createTessera({
      store: new UserIndexDown(),
      secret: SECRET,
      storeOutageLog: outages,
    })
    const { users } = userTable()
    const management = tessera.management({ users, hasher: plainHasher })
    const ended = await management.endUserSessions('1').catch((e: unknown) => e)
    expect(ended).toBeInstanceOf(StoreError)
    expect(ended).toMatchObject({ code: 'STORE_UNAVAILABLE', operation: 'deleteByUser' })
    expect(outages.down).toBe(true)
    expect(lines.join('\n')).toContain('deleteByUser')

    const throttle = tessera.loginThrottle({ store: new CountersDown() })
    const reserved = await throttle.reserve('ada', '192.0.2.1').catch((e: unknown) => e)
    expect(reserved).toMatchObject({ code: 'STORE_UNAVAILABLE', operation: 'rateLimit.reserve' })
  })

  it('a manager option given wrong fails at startup, before any feature is built', () => {
    expect(() =>
      createTessera({ store: new MemoryStore(), secret: SECRET, storeTimeout: 0 }),
    ).toThrow('storeTimeout must be a positive whole number, got 0')
  })
})
