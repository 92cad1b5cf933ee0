// Smoke test of the bench machinery, not of performance: no timing thresholds here.
import { createServer } from 'node:net'
import { Redis } from 'ioredis'
import { decodeProtectedHeader } from 'jose'
import pg from 'pg'
import { afterEach, describe, expect, it } from 'vitest'
import { serviceGate } from '../../test-support/require-service.js'
import { goals } from '../lib/goals.js'
import { measure, problems } from '../lib/measure.js'
import { measurePairedGoal } from '../lib/paired-goal.js'
import { benchTableExists, postgresReachable, postgresTable, postgresUrl } from '../lib/postgres.js'
import { prepareRead } from '../lib/prepare-read.js'
import type { Outcome } from '../lib/ratios.js'
import { redisHost, redisPort, redisReachable } from '../lib/redis.js'
import { openSession, prepareRequest, readEcho } from '../lib/session.js'
import { type RunningServer, spawnServer } from '../lib/spawn-server.js'
import { spreadRead } from '../lib/spread-read.js'
import { formatSummary, formatTable } from '../lib/table.js'
import { type TargetId, targetById } from '../lib/targets.js'

// Skips the Redis cases visibly without a Redis; fails them with TESSERA_REQUIRE_SERVICES=1.
const redisUp = !serviceGate('redis', await redisReachable(), 'no Redis at 127.0.0.1:6379').skip
const postgresUp = !serviceGate(
  'postgres',
  await postgresReachable(),
  `no PostgreSQL at ${postgresUrl}`,
).skip

describe('bench smoke', () => {
  let server: RunningServer | undefined

  afterEach(async () => {
    await server?.stop()
    server = undefined
  })

  // Starts `id`'s server (afterEach stops it), checks its echo, and measures 1 s of reads.
  const serveAndMeasure = async (id: TargetId): Promise<RunningServer> => {
    const running = await spawnServer(targetById(id).file)
    server = running
    const request = await prepareRequest(running.url, targetById(id).session)
    expect(request.expectBody).toBe('{"user":"bench"}')
    const m = await measure({ ...request, url: `${running.url}/`, durationSeconds: 1 })
    expect(problems(m)).toEqual([])
    return running
  }

  it('measures node:http in a child process with only 2xx responses, then stops it', async () => {
    server = await spawnServer(targetById('node-http').file)
    const request = await prepareRequest(server.url, false)
    expect(request).toEqual({ headers: {}, expectBody: '{"user":"bench"}' })

    const m = await measure({ ...request, url: `${server.url}/`, durationSeconds: 1 })
    expect(m.requestsPerSecond).toBeGreaterThan(0)
    expect(m.non2xx).toBe(0)
    expect(problems(m)).toEqual([])

    const { url } = server
    await server.stop()
    await expect(fetch(url)).rejects.toThrow()
  })

  it('logs in to express-session and measures requests that carry the live session', async () => {
    server = await spawnServer(targetById('express-session').file)
    const cookie = await openSession(server.url)
    expect(cookie).toMatch(/^connect\.sid=/)
    expect(await readEcho(server.url, cookie)).toEqual({ status: 200, body: '{"user":"bench"}' })
    expect(await readEcho(server.url)).toEqual({ status: 200, body: '{"user":null}' })

    const request = await prepareRequest(server.url, true)
    expect(request.expectBody).toBe('{"user":"bench"}')
    const m = await measure({ ...request, url: `${server.url}/`, durationSeconds: 1 })
    expect(m.requestsPerSecond).toBeGreaterThan(0)
    expect(m.non2xx).toBe(0)
    expect(problems(m)).toEqual([])
  })

  it('measures hono-session-read: its inline read answers the user of a live cookie only', async () => {
    server = await spawnServer(targetById('hono-session-read').file)
    // prepareRequest checks that the cookie of GET /login reads `bench` and no cookie `null`.
    const request = await prepareRequest(server.url, true)
    expect(request.expectBody).toBe('{"user":"bench"}')
    const cookie = request.headers.cookie as string
    // The same id with another secret of the same shape, and a malformed one: no user.
    const forged = `${cookie.slice(0, -1)}${cookie.endsWith('A') ? 'B' : 'A'}`
    for (const wrong of [forged, 'sessionid=nope', `other=1; ${forged}`]) {
      const answer = await fetch(`${server.url}/`, { headers: { cookie: wrong } })
      expect(await answer.json()).toEqual({ user: null })
    }
    const kept = await fetch(`${server.url}/`, { headers: { cookie: `other=1; ${cookie}` } })
    expect(await kept.json()).toEqual({ user: 'bench' })
    const m = await measure({ ...request, url: `${server.url}/`, durationSeconds: 1 })
    expect(problems(m)).toEqual([])
  })

  it.each(['tessera-hono-jwt-eddsa', 'tessera-hono-jwt-es256'] as const)(
    'measures %s: requests carry the JWT session cookie, and its JWKS publishes the key',
    async (id) => {
      server = await spawnServer(targetById(id).file)
      const cookie = await openSession(server.url)
      const jwt = cookie.slice('sessionid='.length)
      expect(jwt.split('.')).toHaveLength(3)
      const alg = id.endsWith('eddsa') ? 'EdDSA' : 'ES256'
      expect(decodeProtectedHeader(jwt)).toMatchObject({ alg, kid: `bench-${alg}` })
      const jwks = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as {
        keys: { kid: string; d?: string }[]
      }
      expect(jwks.keys.map((k) => [k.kid, k.d])).toEqual([[`bench-${alg}`, undefined]])

      const request = await prepareRequest(server.url, true)
      expect(request.expectBody).toBe('{"user":"bench"}')
      const m = await measure({ ...request, url: `${server.url}/`, durationSeconds: 1 })
      expect(m.requestsPerSecond).toBeGreaterThan(0)
      expect(problems(m)).toEqual([])
    },
  )

  it.each(['tessera-express', 'tessera-fastify'] as const)(
    'logs in to %s and measures requests that carry the live session',
    async (id) => {
      server = await spawnServer(targetById(id).file)
      const cookie = await openSession(server.url)
      expect(cookie).toMatch(/^sessionid=/)
      expect(await readEcho(server.url, cookie)).toEqual({ status: 200, body: '{"user":"bench"}' })
      expect(await readEcho(server.url)).toEqual({ status: 200, body: '{"user":null}' })
      const request = await prepareRequest(server.url, true)
      const m = await measure({ ...request, url: `${server.url}/`, durationSeconds: 1 })
      expect(m.requestsPerSecond).toBeGreaterThan(0)
      expect(problems(m)).toEqual([])
    },
  )

  it.skipIf(!redisUp).each([
    'tessera-hono-redis',
    'tessera-express-redis',
    'tessera-fastify-redis',
    'tessera-hono-redis-cached',
    'tessera-express-redis-cached',
    'tessera-fastify-redis-cached',
    // No session: one key written at start-up, read on every request.
    'hono-redis-floor',
    'hono-raw-redis-floor',
    'fastify-redis-floor',
    'express-redis-floor',
  ] as const)('measures %s, then the stopped child has deleted its keys', async (id) => {
    const running = await serveAndMeasure(id)

    const redis = new Redis({ host: redisHost, port: redisPort, lazyConnect: true })
    await redis.connect()
    try {
      const written: string[] = []
      // Only this child's keys: another bench of the same target may be running.
      const stream = redis.scanStream({ match: `tessera-bench:${id}:${running.pid}:*` })
      for await (const keys of stream) written.push(...(keys as string[]))
      expect(written.length).toBeGreaterThan(0)
      await running.stop()
      expect(await redis.exists(...written)).toBe(0)
    } finally {
      await redis.quit()
    }
  })

  it.skipIf(!postgresUp).each([
    'tessera-hono-postgres',
    'tessera-express-postgres',
    'express-session-postgres',
    'tessera-fastify-postgres',
    'fastify-session-postgres',
    // No session: one row written at start-up, read on every request.
    'hono-postgres-floor',
  ] as const)('measures %s, then the stopped child has dropped its table', async (id) => {
    const running = await serveAndMeasure(id)

    const client = new pg.Client({ connectionString: postgresUrl })
    await client.connect()
    try {
      // Only this child's table: another bench of the same target may be running.
      const table = postgresTable(id, running.pid)
      const exists = (): Promise<boolean> => benchTableExists(client, table)
      expect(await exists()).toBe(true)
      const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "${table}"`)
      expect(Number(rows[0]?.n)).toBeGreaterThan(0)
      await running.stop()
      expect(await exists()).toBe(false)
    } finally {
      await client.end()
    }
  })

  it('measures a goal in pairs of slices, both servers side by side, and stops both', async () => {
    const goal = goals.find((g) => g.target === 'tessera-hono-jwt-eddsa')
    if (!goal) throw new Error('no JWT goal')
    const { pairs, median, cpu } = await measurePairedGoal(goal, {
      slices: 2,
      sliceSeconds: 1,
      warmupSeconds: 0,
      connections: 10,
    })
    expect(pairs).toHaveLength(2)
    for (const pair of pairs) expect(pair).toBeGreaterThan(0)
    expect(median).toBe(Math.min(...pairs))
    // Each server's CPU per response, read from /proc around every slice (Linux only).
    if (process.platform === 'linux') {
      expect(cpu?.pairs).toHaveLength(2)
      for (const pair of cpu?.pairs ?? []) expect(pair).toBeGreaterThan(0)
      expect(cpu?.median).toBe(Math.min(...(cpu?.pairs ?? [])))
      expect(cpu?.targetMicros).toBeGreaterThan(0)
      // The µs printed are the median pair's two sides: their quotient is the median.
      expect((cpu?.baselineMicros ?? 0) / (cpu?.targetMicros ?? 1)).toBeCloseTo(cpu?.median ?? 0)
    }
  })

  it('spreads a read load over many sessions: each cookie its own live session, carried in turn', async () => {
    const target = targetById('tessera-hono-memory')
    server = await spawnServer(target.file)
    const one = await prepareRead(target, server.url)
    const load = await spreadRead(target, server.url, one, 20)
    expect(load.headers.cookie).toBeUndefined()
    expect(new Set(load.cookies).size).toBe(20)
    for (const cookie of load.cookies ?? []) {
      expect(await readEcho(server.url, cookie)).toEqual({ status: 200, body: one.expectBody })
    }
    expect(problems(await measure({ ...load, durationSeconds: 1 }))).toEqual([])

    const bare = targetById('hono')
    expect((await spreadRead(bare, server.url, { ...one, headers: {} }, 3)).cookies).toEqual([
      'spread=0',
      'spread=1',
      'spread=2',
    ])
  })

  // The two Hono floors: the same bare answer, one with `Vary: Cookie` set through
  // `c.res.headers`, the least middleware with none; and Fastify's least plugin (its two
  // hooks), with none. No session in any.
  it.each([
    ['hono-floor', 'Cookie'],
    ['hono-middleware', null],
    ['fastify-hooks', null],
  ] as const)('measures %s: the bare answer with Vary %s, no session', async (id, vary) => {
    server = await spawnServer(targetById(id).file)
    const request = await prepareRequest(server.url, false)
    expect(request.expectBody).toBe('{"user":"bench"}')
    expect((await fetch(`${server.url}/`)).headers.get('vary')).toBe(vary)
    const m = await measure({ ...request, url: `${server.url}/`, durationSeconds: 1 })
    expect(problems(m)).toEqual([])
  })

  it('reports a closed Redis port as unreachable and prints the Redis targets as SKIPPED', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const { port } = closed.address() as { port: number }
    await new Promise((resolve) => closed.close(resolve))
    expect(await redisReachable({ port })).toBe(false)

    const outcomes: Outcome[] = [
      { target: targetById('tessera-hono-redis'), skipped: 'redis unreachable' },
    ]
    expect(formatTable(outcomes)).toContain(
      'tessera (hono + redis)          SKIPPED: redis unreachable',
    )
    expect(formatSummary(outcomes)).toContain(
      'tessera+redis vs express-session+redis: n/a, vs @fastify/session+redis: n/a, vs node:http: n/a',
    )
    expect(formatSummary(outcomes)).toContain(
      'tessera express / express-session: n/a (memory), n/a (redis)',
    )
  })
})
