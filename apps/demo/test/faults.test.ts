import { mkdtempSync, rmSync } from 'node:fs'
import { type AddressInfo, connect, createServer, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Keyring, LoginThrottle, StoreError } from '@tessera/core'
import { RedisRateLimitStore } from '@tessera/store-redis'
import Database from 'better-sqlite3'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type DemoProcess, startDemoProcess } from '../../../test-support/demo-process.js'
import {
  type PrivatePostgres,
  privatePostgresUnavailable,
  startPrivatePostgres,
} from '../../../test-support/private-postgres.js'
import { type PrivateRedis, startPrivateRedis } from '../../../test-support/private-redis.js'
import { isExecutableFile, serviceGate } from '../../../test-support/require-service.js'

// The demo against a store that goes away under load and comes back: every request
// answers in bounded time (200, or 503 JSON with a store code), the process survives,
// and the same cookie works again once the store is back, without restarting the app.
// Private servers only: the shared ones on 6379/5432 serve other test files meanwhile.

const SECRET = 'faults-test-secret-faults-test-secret-0123'
const STORE_TIMEOUT_MS = 1000
/** Every request must answer within this (the store timeout plus a margin). */
const ANSWER_WITHIN_MS = 3000
const CONCURRENCY = 20

const redisMissing = ['redis-server', 'redis-cli'].filter((name) => !onPath(name))
const redisGate = serviceGate(
  'redis-server',
  redisMissing.length === 0,
  `not on PATH: ${redisMissing.join(', ')}`,
)
const pgReason = privatePostgresUnavailable()
const pgGate = serviceGate('initdb', pgReason === undefined, pgReason ?? '')

describe.skipIf(redisGate.skip)('the demo on Redis that restarts', () => {
  let redis: PrivateRedis
  beforeAll(async () => {
    redis = await startPrivateRedis()
  })
  afterAll(async () => {
    await redis?.destroy()
  })

  it('answers 503 while Redis is down and resumes the session after', async () => {
    await survivesRestart({ REDIS_URL: redis.url }, /Sessions: Redis at /, redis)
  }, 50_000)

  // A store outage under load used to print one StoreError stack per request (Hono's
  // default onError): thousands of lines. Now: the first failure, at most one summary
  // per STORE_OUTAGE_LOG_INTERVAL_MS, one line when Redis answers again.
  it.each(['hono', 'express', 'fastify', 'web'])(
    'logs a Redis outage in a bounded number of lines on %s, not one per request',
    async (adapter) => {
      await logsOutageBriefly(redis, adapter)
    },
    60_000,
  )

  it('turns a throttle-counter failure into StoreError, as the session store does', async () => {
    const client = new Redis(redis.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 })
    client.on('error', () => undefined)
    try {
      await new Promise((r) => client.once('ready', r))
      const throttle = new LoginThrottle({
        store: new RedisRateLimitStore({ client }),
        keys: new Keyring(SECRET),
        storeTimeout: STORE_TIMEOUT_MS,
      })
      expect(await throttle.reserve('admin', '127.0.0.1')).toMatchObject({ allowed: true })
      await redis.stop()
      const failure = await throttle.reserve('admin', '127.0.0.1').catch((e: unknown) => e)
      expect(failure).toBeInstanceOf(StoreError)
      expect((failure as StoreError).code).toBe('STORE_UNAVAILABLE')
    } finally {
      client.disconnect()
      await redis.start()
    }
  }, 20_000)
})

describe.skipIf(pgGate.skip)('the demo on PostgreSQL that restarts', () => {
  let postgres: PrivatePostgres
  beforeAll(async () => {
    postgres = await startPrivatePostgres()
  }, 60_000)
  afterAll(async () => {
    await postgres?.destroy()
  })

  it('answers 503 while PostgreSQL is down and resumes the session after', async () => {
    await survivesRestart({ DATABASE_URL: postgres.url }, /Sessions: PostgreSQL at /, postgres)
  }, 50_000)
})

// better-sqlite3 waits for another process's lock synchronously (busy_timeout), so the
// whole process waits with it. Each login used to wait 2 s per write in turn: eight
// logins while an operator's transaction held the file kept every request, even one
// that never touches the store, waiting for most of a minute.
describe('the demo on a SQLite file another process holds locked', () => {
  it('answers every login 503 and every other request in bounded time', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-demo-sqlite-lock-'))
    const demo = await startDemo({ DATA_DIR: dataDir })
    const locker = new Database(join(dataDir, 'sessions.sqlite3'))
    try {
      const csrf = await fetch(`${demo.url}/api/csrf/`)
      const cookie = csrf.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ')
      const token = /(?:^|; )csrftoken=([^;]*)/.exec(cookie)?.[1] ?? ''
      const login = async (): Promise<Outcome> => {
        const started = performance.now()
        const res = await fetch(`${demo.url}/api/login/`, {
          method: 'POST',
          headers: {
            cookie,
            'content-type': 'application/json',
            'x-csrftoken': token,
            origin: demo.url,
          },
          body: JSON.stringify({ username: 'admin', password: 'admin' }),
          signal: AbortSignal.timeout(60_000),
        })
        return { status: res.status, ms: performance.now() - started, body: await res.json() }
      }
      locker.exec('BEGIN IMMEDIATE')
      const [logins, csrfAgain] = await Promise.all([
        Promise.all(Array.from({ length: 8 }, login)),
        sleep(100).then(() => timed(`${demo.url}/api/csrf/`, '')),
      ])
      for (const o of logins) {
        expect(o).toMatchObject({ status: 503, body: { code: 'STORE_UNAVAILABLE' } })
      }
      expect(logins.filter((o) => o.ms >= ANSWER_WITHIN_MS).map((o) => Math.round(o.ms))).toEqual(
        [],
      )
      expect(csrfAgain.status).toBe(200)
      expect(csrfAgain.ms).toBeLessThan(ANSWER_WITHIN_MS)
      // The lock released: the next login goes through, without a restart.
      locker.exec('ROLLBACK')
      expect(await login()).toMatchObject({ status: 200 })
    } finally {
      locker.close()
      await demo.stop()
      rmSync(dataDir, { recursive: true, force: true })
    }
  }, 120_000)
})

// A PostgreSQL that stops answering without closing its connections (a frozen host, a
// stuck proxy) is not a refused connection: with sessions read from the Redis cache, the
// users table was the only call on PostgreSQL, and it had no deadline: every logged-in
// request hung until TCP gave up.
describe.skipIf(redisGate.skip || pgGate.skip)(
  'the demo on PostgreSQL behind a Redis cache, when PostgreSQL stops answering',
  () => {
    let redis: PrivateRedis
    let postgres: PrivatePostgres
    beforeAll(async () => {
      ;[redis, postgres] = await Promise.all([startPrivateRedis(), startPrivatePostgres()])
    }, 60_000)
    afterAll(async () => {
      await Promise.all([redis?.destroy(), postgres?.destroy()])
    })

    it('answers 503 within the timeout, and again once it answers', async () => {
      const proxy = await stallingProxy(postgres.port)
      const dataDir = mkdtempSync(join(tmpdir(), 'tessera-demo-pg-stall-'))
      const demo = await startDemo({
        REDIS_URL: redis.url,
        DATABASE_URL: `postgres://postgres@127.0.0.1:${proxy.port}/postgres`,
        DATA_DIR: dataDir,
      })
      try {
        const cookie = await loginCookie(demo.url)
        const hello = (): Promise<Outcome> => timed(`${demo.url}/api/hello/`, cookie)
        expect(await hello()).toMatchObject({ status: 200 })
        proxy.stall()
        const stalled = await Promise.all([hello(), hello(), hello()])
        for (const o of stalled) {
          expect(o.ms).toBeLessThan(ANSWER_WITHIN_MS)
          expect(o).toMatchObject({ status: 503, body: { code: 'STORE_UNAVAILABLE' } })
        }
        proxy.resume()
        expect(await hello()).toMatchObject({ status: 200, body: { message: 'Hello admin' } })
      } finally {
        await demo.stop()
        proxy.close()
        rmSync(dataDir, { recursive: true, force: true })
      }
    }, 60_000)
  },
)

// The users table fails like the session store: a failing SQLite users query (here a
// write while another process holds the file) is a 503 JSON with a store code, as
// PostgresUsers' is, not a 500 with a driver stack in the log.
describe('the demo on a SQLite users table another process holds locked', () => {
  it('answers a password change 503 JSON and changes nothing', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-demo-users-lock-'))
    const demo = await startDemo({ DATA_DIR: dataDir })
    const locker = new Database(join(dataDir, 'app.sqlite3'))
    try {
      const cookie = await loginCookie(demo.url)
      const change = (): Promise<Response> =>
        fetch(`${demo.url}/api/password/`, {
          method: 'POST',
          headers: {
            cookie,
            'content-type': 'application/json',
            'x-csrftoken': /(?:^|; )csrftoken=([^;]*)/.exec(cookie)?.[1] ?? '',
            origin: demo.url,
          },
          body: JSON.stringify({ oldPassword: 'admin', newPassword: 'another-password' }),
          signal: AbortSignal.timeout(20_000),
        })
      locker.exec('BEGIN IMMEDIATE')
      const res = await change()
      locker.exec('ROLLBACK')
      expect(res.status).toBe(503)
      expect(await res.json()).toMatchObject({ code: 'STORE_UNAVAILABLE' })
      expect(demo.stderr()).not.toMatch(/SqliteError/)
      // The old password still logs in: nothing was changed.
      expect(await loginCookie(demo.url)).toContain('sessionid=')
    } finally {
      locker.close()
      await demo.stop()
      rmSync(dataDir, { recursive: true, force: true })
    }
  }, 60_000)
})

// A start that fails must not print the password of the store it could not open: an
// unparseable REDIS_URL used to reach ioredis, whose TypeError carries it as `input`.
describe('the demo given a store URL it cannot parse', () => {
  it('refuses to start without printing the password in REDIS_URL', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-demo-bad-url-'))
    try {
      const failure = await startDemo({
        REDIS_URL: 'redis://:S3cret-redis-pw@127.0.0.1:notaport/0',
        DATA_DIR: dataDir,
      }).then(
        async (demo) => {
          await demo.stop()
          return new Error('the demo started')
        },
        (e: unknown) => e as Error,
      )
      expect(failure.message).toMatch(/exited \(1\) before listening/)
      expect(failure.message).not.toContain('S3cret-redis-pw')
      expect(failure.message).toMatch(/REDIS_URL is not a URL/)
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})

interface Outcome {
  status: number
  ms: number
  body: unknown
}

async function survivesRestart(
  env: Record<string, string>,
  describes: RegExp,
  server: { start(): Promise<void>; stop(): Promise<void> },
): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-demo-faults-'))
  const demo = await startDemo({ ...env, DATA_DIR: dataDir })
  try {
    expect(demo.output()).toMatch(describes)
    const cookie = await loginCookie(demo.url)
    const hello = (): Promise<Outcome> => timed(`${demo.url}/api/hello/`, cookie)
    expect(await hello()).toMatchObject({ status: 200, body: { message: 'Hello admin' } })

    // Requests in flight from before the stop until well after it.
    let running = true
    const outcomes: Outcome[] = []
    const workers = Array.from({ length: CONCURRENCY }, async () => {
      while (running) outcomes.push(await hello())
    })
    // Wait for states, not for time: some answers before the stop, and every worker
    // seeing the outage (a loaded machine may take a while to get there).
    let before: number
    let stoppedAt: number
    try {
      await until(() => outcomes.length > 0, 'a first answer')
      before = outcomes.length
      await server.stop()
      stoppedAt = outcomes.length
      await until(
        () => outcomes.slice(stoppedAt).filter((o) => o.status !== 200).length >= 2 * CONCURRENCY,
        'two failed answers per worker after the stop',
      )
    } finally {
      // Whatever happened, the workers stop asking.
      running = false
      await Promise.all(workers)
    }

    expect(before).toBeGreaterThan(0)
    expect(outcomes.length).toBeGreaterThan(stoppedAt)
    const slow = outcomes.filter((o) => o.ms >= ANSWER_WITHIN_MS)
    expect(slow).toEqual([])
    const failed = outcomes.filter((o) => o.status !== 200)
    // The outage was seen, and seen only as 503 JSON with a store code.
    expect(failed.length).toBeGreaterThan(0)
    for (const o of failed) {
      expect(o.status).toBe(503)
      expect(o.body).toMatchObject({ code: expect.stringMatching(/^STORE_(UNAVAILABLE|TIMEOUT)$/) })
    }
    for (const o of outcomes.filter((x) => x.status === 200)) {
      expect(o.body).toEqual({ message: 'Hello admin' })
    }
    // A login while the store is down (throttle counters included) is a 503 too.
    const started = performance.now()
    const login = await fetch(`${demo.url}/api/login/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        origin: demo.url,
        cookie,
        'x-csrftoken': /(?:^|; )csrftoken=([^;]*)/.exec(cookie)?.[1] ?? '',
      },
      body: JSON.stringify({ username: 'admin', password: 'admin' }),
      signal: AbortSignal.timeout(10_000),
    })
    expect(performance.now() - started).toBeLessThan(ANSWER_WITHIN_MS)
    expect(login.status).toBe(503)
    expect(await login.json()).toMatchObject({ code: expect.stringMatching(/^STORE_/) })
    expect(demo.child.exitCode).toBeNull()
    expect(demo.child.signalCode).toBeNull()

    // Back: the same cookie, the same process, within a bounded window.
    await server.start()
    const deadline = Date.now() + 10_000
    let last: Outcome = await hello()
    while (last.status !== 200 && Date.now() < deadline) {
      await sleep(200)
      last = await hello()
    }
    expect(last).toMatchObject({ status: 200, body: { message: 'Hello admin' } })
    expect(demo.child.exitCode).toBeNull()
    expect(demo.stderr()).not.toMatch(/unhandled|uncaught/i)
  } finally {
    await demo.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

const OUTAGE_LOG_INTERVAL_MS = 1000
const OUTAGE_REQUESTS = 300

async function logsOutageBriefly(redis: PrivateRedis, adapter: string): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-demo-outage-log-'))
  const demo = await startDemo({
    REDIS_URL: redis.url,
    DATA_DIR: dataDir,
    DEMO_ADAPTER: adapter,
    STORE_OUTAGE_LOG_INTERVAL_MS: String(OUTAGE_LOG_INTERVAL_MS),
  })
  try {
    const cookie = await loginCookie(demo.url)
    const hello = (): Promise<Outcome> => timed(`${demo.url}/api/hello/`, cookie)
    expect(await hello()).toMatchObject({ status: 200 })
    const before = demo.stderr().length
    const started = performance.now()
    await redis.stop()
    // A fixed number of failed requests, 20 at a time, each one touching the store.
    let sent = 0
    const failed: Outcome[] = []
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (sent < OUTAGE_REQUESTS) {
          sent++
          failed.push(await hello())
        }
      }),
    )
    expect(failed.every((o) => o.status === 503)).toBe(true)
    await redis.start()
    let last = await hello()
    const answering = Date.now() + UNTIL_MS
    while (last.status !== 200 && Date.now() < answering) last = await hello()
    expect(
      last.status,
      `the demo still answers ${last.status} ${UNTIL_MS} ms after the restart`,
    ).toBe(200)
    // The recovery line is written by the first store call that answers; give up
    // waiting for it after 10 s so a missing line fails on the assertions below.
    const deadline = Date.now() + 10_000
    while (!/session store answers again/.test(demo.stderr().slice(before))) {
      if (Date.now() > deadline) break
      await sleep(50)
    }
    const elapsed = performance.now() - started
    const lines = demo.stderr().slice(before).split('\n').filter(Boolean)
    // Nothing but our lines and the Redis client's own "unavailable"/"back": no stacks.
    const stray = lines.filter(
      (l) => !l.startsWith('session store ') && !/^Redis (unavailable|is back)/.test(l),
    )
    expect(stray.length, `${stray.length} other lines, e.g.\n${stray.slice(0, 5).join('\n')}`).toBe(
      0,
    )
    const ours = lines.filter((l) => l.startsWith('session store '))
    expect(ours[0]).toMatch(/^session store unavailable: STORE_(UNAVAILABLE|TIMEOUT) on "\w+"/)
    expect(ours.filter((l) => l.startsWith('session store answers again'))).toHaveLength(1)
    const summaries = ours.filter((l) => l.startsWith('session store still unavailable'))
    expect(summaries.length).toBeLessThanOrEqual(Math.floor(elapsed / OUTAGE_LOG_INTERVAL_MS) + 1)
    expect(ours.length).toBeLessThan(OUTAGE_REQUESTS / 10)
  } finally {
    await demo.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

/**
 * A TCP proxy to `port` on 127.0.0.1 that can stop passing bytes either way while
 * keeping every connection open, new ones included (`stall`), as a frozen server does,
 * and pass them again (`resume`, what was held included).
 */
async function stallingProxy(
  port: number,
): Promise<{ port: number; stall(): void; resume(): void; close(): void }> {
  const sockets = new Set<Socket>()
  let stalled = false
  const server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1')
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      sockets.add(from)
      from.pipe(to)
      // A connection opened while stalled stalls too.
      if (stalled) from.pause()
      from.on('error', () => to.destroy())
      from.on('close', () => {
        sockets.delete(from)
        to.destroy()
      })
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    stall: () => {
      stalled = true
      for (const s of sockets) s.pause()
    },
    resume: () => {
      stalled = false
      for (const s of sockets) s.resume()
    },
    close: () => {
      server.close()
      for (const s of sockets) s.destroy()
    },
  }
}

/** GET with the cookie; a hang becomes a 0 status after 10 s rather than a stuck test. */
async function timed(url: string, cookie: string): Promise<Outcome> {
  const started = performance.now()
  try {
    const res = await fetch(url, { headers: { cookie }, signal: AbortSignal.timeout(10_000) })
    const text = await res.text()
    let body: unknown = text
    try {
      body = JSON.parse(text)
    } catch {}
    return { status: res.status, ms: performance.now() - started, body }
  } catch (e) {
    return { status: 0, ms: performance.now() - started, body: (e as Error).message }
  }
}

/** Logs in as admin/admin and answers the Cookie header of the new session. */
async function loginCookie(base: string): Promise<string> {
  const jar = new Map<string, string>()
  const keep = (res: Response): void => {
    for (const c of res.headers.getSetCookie()) {
      const [pair = ''] = c.split(';')
      const i = pair.indexOf('=')
      jar.set(pair.slice(0, i).trim(), pair.slice(i + 1).trim())
    }
  }
  keep(await fetch(`${base}/api/csrf/`))
  const header = (): string => [...jar].map(([k, v]) => `${k}=${v}`).join('; ')
  const res = await fetch(`${base}/api/login/`, {
    method: 'POST',
    headers: {
      cookie: header(),
      'content-type': 'application/json',
      'x-csrftoken': jar.get('csrftoken') ?? '',
      origin: base,
    },
    body: JSON.stringify({ username: 'admin', password: 'admin' }),
  })
  expect(res.status).toBe(200)
  keep(res)
  return header()
}

function onPath(name: string): boolean {
  return (process.env.PATH ?? '').split(':').some((d) => d && isExecutableFile(join(d, name)))
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** How long a test waits for one state before it fails naming that state. */
const UNTIL_MS = 20_000

/** Polls `done` every 50 ms until it holds; throws naming `what` after {@link UNTIL_MS}. */
async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + UNTIL_MS
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`waited ${UNTIL_MS} ms for ${what}`)
    await sleep(50)
  }
}

function startDemo(env: Record<string, string>, timeoutMs?: number): Promise<DemoProcess> {
  return startDemoProcess(
    { TESSERA_SECRET: SECRET, STORE_TIMEOUT_MS: String(STORE_TIMEOUT_MS), ...env },
    timeoutMs,
  )
}
