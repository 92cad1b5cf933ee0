import {
  ConfigError,
  MemoryStore,
  SessionManager,
  type SessionRecord,
  type SessionStore,
  StoreError,
  StoreOutageLog,
} from '@tessera/core'
import { describe, expect, it } from 'vitest'

const SECRET = 'outage-log-test-secret-outage-log-test-secret'

/** A log on a clock the test moves by hand, writing into `lines`. */
function frozen(interval = 10_000) {
  const clock = { now: 1_000_000 }
  const lines: string[] = []
  const log = new StoreOutageLog({ interval, now: () => clock.now, write: (l) => lines.push(l) })
  return { log, clock, lines }
}

const down = (op = 'get') =>
  Promise.reject(
    new StoreError('STORE_UNAVAILABLE', op, {
      cause: new Error('ECONNREFUSED 10.0.0.7:6379 user=alice'),
    }),
  )

describe('StoreOutageLog on a frozen clock', () => {
  it('writes the first failure, one summary per interval, and one recovery line', async () => {
    const { log, clock, lines } = frozen()
    for (let i = 0; i < 500; i++) await log.track(down()).catch(() => undefined)
    expect(lines).toEqual([
      'session store unavailable: STORE_UNAVAILABLE on "get"; further failures are counted',
    ])
    expect(log.down).toBe(true)

    clock.now += 10_000
    await log
      .track(Promise.reject(new StoreError('STORE_TIMEOUT', 'update')))
      .catch(() => undefined)
    expect(lines[1]).toBe(
      'session store still unavailable: 500 failed calls (STORE_UNAVAILABLE 499, STORE_TIMEOUT 1) in the last 10.0 s',
    )
    // Within the next interval: counted, not written.
    clock.now += 9_999
    for (let i = 0; i < 200; i++) await log.track(down()).catch(() => undefined)
    expect(lines).toHaveLength(2)

    clock.now += 1
    expect(await log.track(Promise.resolve('record'))).toBe('record')
    expect(lines.slice(2)).toEqual([
      'session store answers again after 20.0 s: 701 failed calls in all, 200 failed calls (STORE_UNAVAILABLE 200) since the last line',
    ])
    expect(log.down).toBe(false)
    // Healthy again: answers write nothing.
    for (let i = 0; i < 10; i++) await log.track(Promise.resolve(1))
    expect(lines).toHaveLength(3)
  })

  it('a reply started before the outage does not end it', async () => {
    const { log, lines } = frozen()
    let answer!: (v: string) => void
    const early = log.track(new Promise<string>((r) => (answer = r)))
    await log.track(down()).catch(() => undefined)
    answer('late')
    await early
    expect(log.down).toBe(true)
    expect(lines).toHaveLength(1)
    await log.track(Promise.resolve('fresh'))
    expect(log.down).toBe(false)
    expect(lines).toHaveLength(2)
  })

  it('hands every outcome back unchanged and ignores STORE_CONFLICT and other errors', async () => {
    const { log, lines } = frozen()
    const conflict = new StoreError('STORE_CONFLICT', 'update')
    await expect(log.track(Promise.reject(conflict))).rejects.toBe(conflict)
    const other = new TypeError('bug')
    await expect(log.track(Promise.reject(other))).rejects.toBe(other)
    expect(lines).toEqual([])
    expect(log.down).toBe(false)
  })

  it('never writes a driver message, host or user name', async () => {
    const { log, clock, lines } = frozen(1)
    for (let i = 0; i < 5; i++) {
      await log.track(down()).catch(() => undefined)
      clock.now += 1
    }
    await log.track(Promise.resolve(undefined))
    expect(lines.length).toBeGreaterThan(2)
    for (const line of lines) expect(line).not.toMatch(/ECONNREFUSED|10\.0\.0\.7|alice/)
  })

  it('refuses a bad interval at setup with an exact message', () => {
    for (const interval of [0, -1, 1.5, Number.NaN]) {
      expect(() => new StoreOutageLog({ interval })).toThrow(
        new ConfigError('StoreOutageLog: interval must be a positive whole number of ms'),
      )
    }
    expect(
      () =>
        new SessionManager({
          store: new MemoryStore(),
          secret: SECRET,
          storeOutageLog: {} as StoreOutageLog,
        }),
    ).toThrow(new ConfigError('storeOutageLog must be a StoreOutageLog'))
  })
})

/** The cookie of a new stored session holding `n: 1`. */
async function sessionWithN(manager: SessionManager): Promise<string> {
  const first = manager.open({ cookie: undefined, secure: false })
  await first.set('n', 1)
  const { setCookie } = await manager.commit(first)
  return (setCookie[0] as string).split(';')[0] as string
}

describe('SessionManager with a StoreOutageLog', () => {
  it('reports its store calls: a burst of failed requests is one line, the first good one another', async () => {
    const store = new MemoryStore()
    const clock = { now: 5_000_000 }
    const lines: string[] = []
    const manager = new SessionManager({
      store,
      secret: SECRET,
      storeOutageLog: new StoreOutageLog({ now: () => clock.now, write: (l) => lines.push(l) }),
    })
    const cookie = await sessionWithN(manager)

    const get = store.get.bind(store)
    store.get = () => Promise.reject(new Error('connection refused'))
    const failures = await Promise.all(
      Array.from({ length: 100 }, () =>
        manager
          .open({ cookie, secure: false })
          .get('n')
          .catch((e: unknown) => e),
      ),
    )
    for (const e of failures) expect(e).toBeInstanceOf(StoreError)
    expect(lines).toEqual([
      'session store unavailable: STORE_UNAVAILABLE on "get"; further failures are counted',
    ])

    store.get = get
    expect(await manager.open({ cookie, secure: false }).get('n')).toBe(1)
    expect(lines).toHaveLength(2)
    expect(lines[1]).toMatch(/^session store answers again after 0\.0 s: 100 failed calls in all/)
  })

  it('hears of the synchronous reads of an embedded store (getNow) as well', async () => {
    await oneLineOutage(3, (isDown) => {
      class FlakyStore extends MemoryStore {
        override getNow(id: string) {
          if (isDown()) throw new Error('SQLITE_BUSY')
          return super.getNow(id)
        }
      }
      return new FlakyStore()
    })
  })

  it('a getNow that answers undefined ("read through get") is no answer: a down server stays one line', async () => {
    await oneLineOutage(20, (isDown) => {
      // A store that keeps nothing yet (RedisStore's clientSideCache after a reconnect):
      // getNow answers undefined, and the read goes to get, which fails while down.
      class KeepsNothing extends MemoryStore {
        // The contract allows undefined; MemoryStore's own signature, which always answers, does not.
        override getNow(): SessionRecord | null {
          return undefined as unknown as null
        }
        // MemoryStore's own get reads through getNow: a copy of what it holds instead.
        override get(id: string) {
          if (isDown()) return Promise.reject(new Error('ECONNREFUSED'))
          return Promise.resolve(structuredClone(super.getNow(id)))
        }
      }
      return new KeepsNothing()
    })
  })
})

/**
 * A session read `failures` times through a manager whose store `make` builds is down
 * meanwhile (`isDown`): every read fails with `STORE_UNAVAILABLE`, the outage log writes
 * one line for all of them, and one more when the next read succeeds.
 */
async function oneLineOutage(
  failures: number,
  make: (isDown: () => boolean) => SessionStore,
): Promise<void> {
  const lines: string[] = []
  let down = false
  const manager = new SessionManager({
    store: make(() => down),
    secret: SECRET,
    storeOutageLog: new StoreOutageLog({ now: () => 5_000_000, write: (l) => lines.push(l) }),
  })
  const cookie = await sessionWithN(manager)
  down = true
  for (let i = 0; i < failures; i++) {
    const error = await manager
      .open({ cookie, secure: false })
      .get('n')
      .catch((e: unknown) => e)
    expect((error as StoreError).code).toBe('STORE_UNAVAILABLE')
  }
  expect(lines).toEqual([
    'session store unavailable: STORE_UNAVAILABLE on "get"; further failures are counted',
  ])
  down = false
  expect(await manager.open({ cookie, secure: false }).get('n')).toBe(1)
  expect(lines[1]).toMatch(
    new RegExp(`^session store answers again after 0\\.0 s: ${failures} failed calls in all`),
  )
}
