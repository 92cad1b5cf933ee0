import { setImmediate as endOfTurn } from 'node:timers/promises'
import { ConfigError, MemoryStore, SessionManager, type SessionManagerOptions } from '@tessera/core'
import { describe, expect, it } from 'vitest'
import { cookieFrom, request, SECRET } from '../support/harness.js'

/** A MemoryStore that counts the manager's reads; `failing` ids throw from getNow. */
class CountingStore extends MemoryStore {
  reads = 0
  readonly failing = new Set<string>()
  override getNow(id: string) {
    this.reads++
    if (this.failing.has(id)) throw new Error('SQLITE_IOERR: disk I/O error')
    return super.getNow(id)
  }
}

/** A manager over a CountingStore, and `count` sessions in it, each holding its index as `n`. */
async function withSessions(count: number, options: Partial<SessionManagerOptions> = {}) {
  const store = new CountingStore()
  const manager = new SessionManager({ store, secret: SECRET, ...options })
  const cookies: string[] = []
  for (let n = 0; n < count; n++) {
    cookies.push(cookieFrom(await request(manager, undefined, (s) => s.set('n', n))))
  }
  store.reads = 0
  return { store, manager, cookies }
}

describe('batchLoads: the sessions of one event-loop turn load together at its end', () => {
  it('reads from an embedded store wait for the end of the turn, then all load, each its own', async () => {
    const { store, manager, cookies } = await withSessions(3)
    const reads = cookies.map((cookie) => manager.open({ cookie, secure: false }).get('n'))
    expect(store.reads).toBe(0)
    await Promise.resolve()
    expect(store.reads).toBe(0)
    expect(await Promise.all(reads)).toEqual([0, 1, 2])
    expect(store.reads).toBe(3)
  })

  it('a session read twice loads once; a read after the turn is answered from that load', async () => {
    const { store, manager, cookies } = await withSessions(1)
    const session = manager.open({ cookie: cookies[0], secure: false })
    const first = session.get('n')
    const second = session.get('n')
    expect(await Promise.all([first, second])).toEqual([0, 0])
    await endOfTurn()
    expect(await session.get('n')).toBe(0)
    expect(store.reads).toBe(1)
  })

  it('a load that throws rejects its own request with STORE_UNAVAILABLE; the others of the turn load', async () => {
    const { store, manager, cookies } = await withSessions(3)
    const id = (cookies[1] as string).split('=')[1]?.split('.')[0] as string
    store.failing.add(id)
    const reads = cookies.map((cookie) => manager.open({ cookie, secure: false }).get('n'))
    const settled = await Promise.allSettled(reads)
    expect(settled.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    const failed = settled[1] as PromiseRejectedResult
    expect(failed.reason).toMatchObject({ code: 'STORE_UNAVAILABLE' })
    expect(String(failed.reason.message)).not.toContain('SQLITE_IOERR')
  })

  it('a request with no session cookie reads nothing from the store and is still answered', async () => {
    const { store, manager } = await withSessions(0)
    const session = manager.open({ cookie: undefined, secure: false })
    expect(await session.get('n')).toBeUndefined()
    expect(store.reads).toBe(0)
  })

  it('with batchLoads: false, a session loads as it is first read', async () => {
    const { store, manager, cookies } = await withSessions(2, { batchLoads: false })
    const reads = cookies.map((cookie) => manager.open({ cookie, secure: false }).get('n'))
    expect(store.reads).toBe(2)
    expect(await Promise.all(reads)).toEqual([0, 1])
  })

  it('a store without getNow (one that talks to a server) is read at once, not at the end of the turn', async () => {
    const store = new MemoryStore()
    let gets = 0
    const { get } = store
    // An own property replaces getNow's partner: the manager reads through get.
    store.get = (id) => {
      gets++
      return get.call(store, id)
    }
    const manager = new SessionManager({ store, secret: SECRET })
    const cookie = cookieFrom(await request(manager, undefined, (s) => s.set('n', 7)))
    gets = 0
    const read = manager.open({ cookie, secure: false }).get('n')
    expect(gets).toBe(1)
    expect(await read).toBe(7)
  })

  it('a batchLoads that is not a boolean is refused at startup', () => {
    const options = { store: new MemoryStore(), secret: SECRET, batchLoads: 'yes' }
    expect(() => new SessionManager(options as unknown as SessionManagerOptions)).toThrow(
      new ConfigError('batchLoads must be true or false'),
    )
  })
})
