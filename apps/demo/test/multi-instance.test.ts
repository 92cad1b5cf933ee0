import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import pg from 'pg'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { type DemoProcess, startDemoProcess } from '../../../test-support/demo-process.js'
import { serviceGate } from '../../../test-support/require-service.js'

// Two demo processes on one shared store: a session made through one is the session
// of the other, and a logout through either ends it for both.

const REDIS_URL = process.env.TESSERA_REDIS_URL || 'redis://127.0.0.1:6379'
const PG_URL = process.env.TESSERA_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test'
const SECRET = 'multi-instance-secret-multi-instance-0123'
const run = randomBytes(4).toString('hex')

const redisFailure = await probeRedis(REDIS_URL)
const redisGate = serviceGate(
  'redis',
  redisFailure === null,
  `no PONG from ${REDIS_URL}: ${redisFailure}`,
)
const pgFailure = await probePostgres(PG_URL)
const pgGate = serviceGate(
  'postgresql',
  pgFailure === null,
  `cannot connect to ${PG_URL}: ${pgFailure}`,
)

describe.skipIf(redisGate.skip)('two demo instances on one Redis', () => {
  // Shared Redis: every key of this run under its own prefix, deleted after.
  const prefix = `tessera-test:demo-multi:${run}:redis:`
  afterAll(() => deleteRedisKeys(prefix))

  it('shares sessions: login through one, use and log out through the other', async () => {
    await sharedSessions(
      { REDIS_URL, REDIS_PREFIX: prefix },
      /Sessions: Redis at redis:\/\/127\.0\.0\.1:\d+ \(prefix /,
      async () => (await redisKeys(`${prefix}s:*`)).length,
    )
  }, 45_000)
})

describe.skipIf(redisGate.skip)(
  'two demo instances on one Redis, with the client-side cache',
  () => {
    const prefix = `tessera-test:demo-multi:${run}:cached:`
    afterAll(() => deleteRedisKeys(prefix))

    it('shares sessions: a logout through one is seen by the other, which kept the session', async () => {
      await sharedSessions(
        { REDIS_URL, REDIS_PREFIX: prefix, REDIS_CLIENT_SIDE_CACHE: '1' },
        /Sessions: Redis at redis:\/\/127\.0\.0\.1:\d+ \(prefix .*, client-side cache\)/,
        async () => (await redisKeys(`${prefix}s:*`)).length,
        /Redis client-side cache: live/,
      )
    }, 45_000)
  },
)

describe.skipIf(pgGate.skip)('two demo instances on one PostgreSQL', () => {
  // Shared database: tables of this run only, dropped after.
  const sessionTable = `tessera_demo_multi_${run}`
  const rateLimitTable = `tessera_demo_multi_rl_${run}`
  const usersTable = `tessera_demo_multi_users_${run}`
  afterAll(() => dropTables(sessionTable, rateLimitTable, usersTable))

  it('shares sessions: login through one, use and log out through the other', async () => {
    await sharedSessions(
      {
        DATABASE_URL: PG_URL,
        SESSION_TABLE: sessionTable,
        RATE_LIMIT_TABLE: rateLimitTable,
        USERS_TABLE: usersTable,
      },
      /Sessions: PostgreSQL at postgres:\/\/postgres@127\.0\.0\.1:\d+\/test \(table /,
      () => countRows(sessionTable),
    )
  }, 45_000)
})

describe.skipIf(redisGate.skip || pgGate.skip)(
  'two demo instances on Redis in front of PostgreSQL',
  () => {
    const prefix = `tessera-test:demo-multi:${run}:tiered:`
    const sessionTable = `tessera_demo_tiered_${run}`
    const rateLimitTable = `tessera_demo_tiered_rl_${run}`
    const usersTable = `tessera_demo_tiered_users_${run}`
    afterAll(async () => {
      await Promise.all([
        deleteRedisKeys(prefix),
        dropTables(sessionTable, rateLimitTable, usersTable),
      ])
    })

    it('shares sessions: login through one, use and log out through the other', async () => {
      await sharedSessions(
        {
          REDIS_URL,
          REDIS_PREFIX: prefix,
          DATABASE_URL: PG_URL,
          SESSION_TABLE: sessionTable,
          RATE_LIMIT_TABLE: rateLimitTable,
          USERS_TABLE: usersTable,
        },
        /Sessions: PostgreSQL at .* with a Redis cache at /,
        // The primary holds the truth: the session must be there, not only in the cache.
        () => countRows(sessionTable),
      )
    }, 45_000)
  },
)

describe.skipIf(redisGate.skip || pgGate.skip)(
  'two demo instances on Redis in front of PostgreSQL, with the client-side cache',
  () => {
    const prefix = `tessera-test:demo-multi:${run}:tiered-cached:`
    const sessionTable = `tessera_demo_tiered_cached_${run}`
    const rateLimitTable = `tessera_demo_tiered_cached_rl_${run}`
    const usersTable = `tessera_demo_tiered_cached_users_${run}`
    afterAll(async () => {
      await Promise.all([
        deleteRedisKeys(prefix),
        dropTables(sessionTable, rateLimitTable, usersTable),
      ])
    })

    it('shares sessions: a logout through one is seen by the other, which kept the session', async () => {
      await sharedSessions(
        {
          REDIS_URL,
          REDIS_PREFIX: prefix,
          REDIS_CLIENT_SIDE_CACHE: '1',
          DATABASE_URL: PG_URL,
          SESSION_TABLE: sessionTable,
          RATE_LIMIT_TABLE: rateLimitTable,
          USERS_TABLE: usersTable,
        },
        /Sessions: PostgreSQL at .* with a Redis cache at .*, client-side cache\)/,
        () => countRows(sessionTable),
        /Redis client-side cache: live/,
      )
    }, 45_000)
  },
)

describe.skipIf(redisGate.skip || pgGate.skip)(
  'two demo instances with different secrets on one store',
  () => {
    // The secret keys the login-throttle counters: an instance with its own secret counts
    // every client afresh, so N such instances behind one proxy allow N times the guesses.
    const prefix = `tessera-test:demo-multi:${run}:secrets:`
    const sessionTable = `tessera_demo_secrets_${run}`
    const rateLimitTable = `tessera_demo_secrets_rl_${run}`
    const usersTable = `tessera_demo_secrets_users_${run}`
    afterAll(async () => {
      await Promise.all([
        deleteRedisKeys(prefix),
        dropTables(sessionTable, rateLimitTable, usersTable),
        withClient((c) =>
          c.query('DELETE FROM tessera_demo_secret_checks WHERE name = ANY($1)', [
            [sessionTable, rateLimitTable],
          ]),
        ).catch(() => undefined),
      ])
    })

    it.each([
      [
        'PostgreSQL',
        { DATABASE_URL: PG_URL },
        `row "${sessionTable}" of tessera_demo_secret_checks`,
      ],
      ['Redis', { REDIS_URL, REDIS_PREFIX: prefix }, `Redis key ${prefix}secret-check`],
    ])(
      'on %s the second refuses to start',
      async (_name, store, where) => {
        const env = {
          ...store,
          SESSION_TABLE: sessionTable,
          RATE_LIMIT_TABLE: rateLimitTable,
          USERS_TABLE: usersTable,
        }
        const dirs = [0, 1, 2].map(() => mkdtempSync(join(tmpdir(), 'tessera-demo-secrets-')))
        const demos: DemoProcess[] = []
        try {
          demos.push(await startDemo({ ...env, DATA_DIR: dirs[0] as string }))
          // The same secret again: welcome.
          demos.push(await startDemo({ ...env, DATA_DIR: dirs[1] as string }))
          const other = startDemo({
            ...env,
            DATA_DIR: dirs[2] as string,
            TESSERA_SECRET: `other-${SECRET}`,
          })
          // Should it start after all, it is stopped with the others.
          other.then((d) => demos.push(d)).catch(() => undefined)
          await expect(other).rejects.toThrow(
            `TESSERA_SECRET differs from the one the other instances on this store use (see ${where}): give every instance the same TESSERA_SECRET (a generated one is per DATA_DIR), or, to change it, stop them all and delete that mark`,
          )
        } finally {
          await Promise.all(demos.map((d) => d.stop()))
          for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
        }
      },
      60_000,
    )
  },
)

describe('two demo instances with different secrets on one DATA_DIR (SQLite)', () => {
  it('the second refuses to start', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-demo-secrets-'))
    const demos: DemoProcess[] = []
    try {
      demos.push(await startDemo({ DATA_DIR: dataDir }))
      demos.push(await startDemo({ DATA_DIR: dataDir }))
      const other = startDemo({ DATA_DIR: dataDir, TESSERA_SECRET: `other-${SECRET}` })
      // Should it start after all, it is stopped with the others.
      other.then((d) => demos.push(d)).catch(() => undefined)
      await expect(other).rejects.toThrow(
        `TESSERA_SECRET differs from the one the other instances on this store use (see ${join(dataDir, 'secret-check')}): give every instance the same TESSERA_SECRET (a generated one is per DATA_DIR), or, to change it, stop them all and delete that mark`,
      )
    } finally {
      await Promise.all(demos.map((d) => d.stop()))
      rmSync(dataDir, { recursive: true, force: true })
    }
  }, 60_000)
})

describe('three demo instances starting at once on a new DATA_DIR', () => {
  // The generated secret and JWT keys are created whole, once: every first start ends up
  // with the first one's, where a later write used to replace an earlier one's secret
  // (and the store's mark then refused one instance at every start).
  it('all start, with one secret and one JWT signing key', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-demo-together-'))
    const started = await Promise.allSettled(
      [1, 2, 3].map(() => startDemoProcess({ DATA_DIR: dataDir, SESSION_FORMAT: 'jwt' })),
    )
    const demos = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []))
    try {
      expect(started.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled'])
      const kids = await Promise.all(
        demos.map(async (d) => {
          const jwks = (await (await fetch(`${d.url}/.well-known/jwks.json`)).json()) as {
            keys: { kid: string }[]
          }
          return jwks.keys.map((k) => k.kid).join()
        }),
      )
      expect(new Set(kids).size).toBe(1)
      expect(readdirSync(dataDir).filter((f) => f.endsWith('.tmp'))).toEqual([])
    } finally {
      await Promise.all(demos.map((d) => d.stop()))
      rmSync(dataDir, { recursive: true, force: true })
    }
  }, 60_000)
})

async function redisKeys(pattern: string): Promise<string[]> {
  const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 })
  const found: string[] = []
  try {
    let cursor = '0'
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000)
      cursor = next
      found.push(...keys)
    } while (cursor !== '0')
  } finally {
    client.disconnect()
  }
  return found
}

async function deleteRedisKeys(prefix: string): Promise<void> {
  const keys = await redisKeys(`${prefix}*`)
  if (keys.length === 0) return
  const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 })
  try {
    await client.del(...keys)
  } finally {
    client.disconnect()
  }
}

async function withClient<T>(use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 5000 })
  client.on('error', () => undefined)
  await client.connect()
  try {
    return await use(client)
  } finally {
    await client.end().catch(() => undefined)
  }
}

const countRows = (table: string): Promise<number> =>
  withClient(async (c) => (await c.query(`SELECT count(*)::int AS n FROM "${table}"`)).rows[0].n)

const dropTables = (...tables: string[]): Promise<void> =>
  withClient(async (c) => {
    await c.query(`DROP TABLE IF EXISTS ${tables.map((t) => `"${t}"`).join(', ')}`)
  })

/**
 * `countSessions` answers how many sessions the shared store holds, to prove the demos
 * used it (the shared DATA_DIR would also let two SQLite demos share sessions).
 */
async function sharedSessions(
  env: Record<string, string>,
  describes: RegExp,
  countSessions: () => Promise<number>,
  ready?: RegExp,
): Promise<void> {
  // One DATA_DIR for both: on Redis the users live in its SQLite file, so both know
  // `admin` (with DATABASE_URL they live in PostgreSQL, see postgres-users.test.ts).
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-demo-multi-'))
  const demos: DemoProcess[] = []
  try {
    // One after the other: the first creates admin; the second must find it, not race it.
    const a = await startDemo({ ...env, DATA_DIR: dataDir })
    demos.push(a)
    const b = await startDemo({ ...env, DATA_DIR: dataDir })
    demos.push(b)
    expect(a.url).not.toBe(b.url)
    expect(a.output()).toMatch(describes)
    expect(a.output()).toContain('Created the demo user admin / admin.')
    expect(b.output()).not.toContain('Created the demo user')
    expect(b.output()).toContain('Demo login: admin / admin.')
    // With the client-side cache: both instances say Redis took it (it answers after startup).
    if (ready) await until(() => ready.test(a.output()) && ready.test(b.output()))

    const jar = new Jar()
    await jar.fetch(`${a.url}/api/csrf/`)
    const login = await jar.fetch(`${a.url}/api/login/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-csrftoken': jar.get('csrftoken'),
        origin: a.url,
      },
      body: JSON.stringify({ username: 'admin', password: 'admin' }),
    })
    expect(login.status).toBe(200)
    expect(await countSessions()).toBeGreaterThan(0)
    expect(existsSync(join(dataDir, 'sessions.sqlite3'))).toBe(false)

    // Used through both, twice: with the client-side cache, each instance keeps it.
    for (const demo of [b, a, b, a]) {
      const hello = await jar.fetch(`${demo.url}/api/hello/`)
      expect(hello.status).toBe(200)
      expect(await hello.json()).toEqual({ message: 'Hello admin' })
    }

    if (env.REDIS_URL) {
      // What the next reads cost Redis: with the client-side cache, no read of the session.
      const reads = await sessionReads(env.REDIS_PREFIX as string, async () => {
        for (const demo of [a, b])
          expect((await jar.fetch(`${demo.url}/api/hello/`)).status).toBe(200)
      })
      if (ready) expect(reads).toBe(0)
      else expect(reads).toBeGreaterThanOrEqual(2)
    }

    const oldCookie = jar.header()
    const logout = await jar.fetch(`${b.url}/api/logout/`, {
      method: 'POST',
      headers: { 'x-csrftoken': jar.get('csrftoken'), origin: b.url },
    })
    expect(logout.status).toBe(200)

    const refused = await fetch(`${a.url}/api/hello/`, { headers: { cookie: oldCookie } })
    expect(refused.status).toBe(401)
    const refusedToo = await fetch(`${b.url}/api/hello/`, { headers: { cookie: oldCookie } })
    expect(refusedToo.status).toBe(401)
  } finally {
    await Promise.all(demos.map((d) => d.stop()))
    rmSync(dataDir, { recursive: true, force: true })
  }
}

/**
 * How many HMGETs of a session hash under `prefix` Redis ran while `use` ran, seen
 * through MONITOR (a marker command, sent after, tells that every earlier one is in).
 */
async function sessionReads(prefix: string, use: () => Promise<void>): Promise<number> {
  const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 })
  const monitor = await client.monitor()
  const marker = `${prefix}marker:${Math.random()}`
  let reads = 0
  let done = (): void => undefined
  const seen = new Promise<void>((resolve) => {
    done = resolve
  })
  monitor.on('monitor', (_time: string, args: string[]) => {
    const [command = '', key = ''] = args
    if (command.toLowerCase() === 'hmget' && key.startsWith(`${prefix}s:`)) reads++
    if (key === marker) done()
  })
  try {
    await use()
    const other = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 })
    await other.exists(marker)
    other.disconnect()
    await seen
    return reads
  } finally {
    monitor.disconnect()
    client.disconnect()
  }
}

/** Polls `condition` every 20 ms until it holds (vitest's `waitUntil`); fails after 10 s. */
const until = (condition: () => boolean): Promise<true> =>
  vi.waitUntil(condition, { timeout: 10_000, interval: 20 })

/** Keeps cookies as a browser does for 127.0.0.1 (cookies ignore the port). */
class Jar {
  readonly #cookies = new Map<string, string>()

  get(name: string): string {
    return this.#cookies.get(name) ?? ''
  }

  header(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers)
    if (this.#cookies.size > 0) headers.set('cookie', this.header())
    const res = await fetch(url, { ...init, headers, signal: AbortSignal.timeout(10_000) })
    for (const c of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = c.split(';')
      const i = pair.indexOf('=')
      const name = pair.slice(0, i).trim()
      const value = pair.slice(i + 1).trim()
      if (value === '' || attrs.some((a) => a.trim().toLowerCase() === 'max-age=0'))
        this.#cookies.delete(name)
      else this.#cookies.set(name, value)
    }
    return res
  }
}

async function probeRedis(url: string): Promise<string | null> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  })
  client.on('error', () => undefined)
  try {
    await client.connect()
    return (await client.ping()) === 'PONG' ? null : 'no PONG'
  } catch (e) {
    return (e as Error).message
  } finally {
    client.disconnect()
  }
}

async function probePostgres(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 })
  client.on('error', () => undefined)
  try {
    await client.connect()
    await client.query('SELECT 1')
    return null
  } catch (e) {
    return (e as Error).message
  } finally {
    await client.end().catch(() => undefined)
  }
}

function startDemo(env: Record<string, string>, timeoutMs?: number): Promise<DemoProcess> {
  return startDemoProcess({ TESSERA_SECRET: SECRET, ...env }, timeoutMs)
}
