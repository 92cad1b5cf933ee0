// Smoke test of the bench's bare-framework targets, write path and goal lines: machinery,
// not performance (no timing thresholds).
import { afterEach, describe, expect, it } from 'vitest'
import { type Comparison, formatGoals, formatReference, references } from '../lib/goals.js'
import { measure, problems } from '../lib/measure.js'
import { prepareRequest } from '../lib/session.js'
import { type RunningServer, spawnServer } from '../lib/spawn-server.js'
import { formatTable, formatWriteTable } from '../lib/table.js'
import { targetById } from '../lib/targets.js'
import {
  mixedSessions,
  prepareLogin,
  prepareMixed,
  prepareWrite,
  writeSessions,
} from '../lib/write-path.js'
import { measuredOutcome } from './lib/measured-outcome.js'

describe('bench paths', () => {
  let server: RunningServer | undefined

  afterEach(async () => {
    await server?.stop()
    server = undefined
  })

  it.each(['express', 'fastify'] as const)(
    'measures bare %s answering the same echo',
    async (id) => {
      server = await spawnServer(targetById(id).file)
      const request = await prepareRequest(server.url, false)
      expect(request.expectBody).toBe('{"user":"bench"}')
      const m = await measure({ ...request, url: `${server.url}/`, durationSeconds: 1 })
      expect(m.requestsPerSecond).toBeGreaterThan(0)
      expect(problems(m)).toEqual([])
    },
  )

  it('measures the write path of tessera-express: logins create sessions, writes land on many sessions', async () => {
    server = await spawnServer(targetById('tessera-express').file)
    const login = await prepareLogin(server.url)
    expect(login).toEqual({ url: `${server.url}/login`, headers: {}, expectBody: '{"ok":true}' })
    expect(problems(await measure({ ...login, durationSeconds: 1 }))).toEqual([])

    const write = await prepareWrite(server.url)
    const cookies = write.cookies ?? []
    expect(new Set(cookies).size).toBe(writeSessions)
    const m = await measure({ ...write, durationSeconds: 1 })
    expect(problems(m)).toEqual([])
    // Round robin: the last session got writes too, not only the first one.
    const last = await fetch(`${server.url}/count`, {
      headers: { cookie: cookies.at(-1) as string },
    })
    expect(((await last.json()) as { n: number }).n).toBeGreaterThan(0)
  })

  it('measures the mixed path of tessera-hono on SQLite: reads over many sessions, every session written in turn', async () => {
    server = await spawnServer(targetById('tessera-hono').file)
    const mixed = await prepareMixed(server.url)
    const cookies = mixed.cookies ?? []
    expect(new Set(cookies).size).toBe(mixedSessions)
    expect(mixed.mix).toEqual({ every: 10, path: '/write', expectBody: '{"ok":true}' })
    const m = await measure({ ...mixed, durationSeconds: 1 })
    expect(problems(m)).toEqual([])
    const count = async (cookie: string) =>
      (
        (await (await fetch(`${server?.url}/count`, { headers: { cookie } })).json()) as {
          n: number
        }
      ).n
    // The writes took the sessions in turn: the first (written once by the setup) and
    // the second got writes under load; whatever the rate, the load wrote something.
    expect(await count(cookies[0] as string)).toBeGreaterThan(1)
    expect(await count(cookies[1] as string)).toBeGreaterThan(0)
    // Every answer was checked against its own path: reads read the user, writes said ok.
    expect(m.mismatches).toBe(0)
  })

  it("counts a write whose answer is not the write's as a mismatch on the mixed path", async () => {
    server = await spawnServer(targetById('tessera-hono').file)
    const mixed = await prepareMixed(server.url)
    // Every tenth request goes to GET / instead, which answers {"user":"bench"}, not {"ok":true}.
    const mix = { ...(mixed.mix as NonNullable<typeof mixed.mix>), path: '/' }
    const m = await measure({ ...mixed, mix, durationSeconds: 1 })
    expect(m.mismatches).toBeGreaterThan(0)
    // Only those: the reads between them still matched.
    expect(m.mismatches).toBeLessThan(m.responses2xx / 5)
  })

  it('counts a body other than the expected one as a mismatch on the write path', async () => {
    server = await spawnServer(targetById('tessera-express').file)
    const write = await prepareWrite(server.url)
    // GET / answers {"user":"bench"}, not the {"ok":true} the write path expects.
    const m = await measure({ ...write, url: `${server.url}/`, durationSeconds: 1 })
    expect(m.mismatches).toBeGreaterThan(0)
    expect(problems(m)).toContain(`${m.mismatches} responses with a body other than the echo`)
  })
})

describe('bench tables and goal lines', () => {
  const at = measuredOutcome

  it('prints each goal as MET, NOT MET or NOT MEASURED with the ratio of this run', () => {
    const lines = formatGoals([
      at('hono', 1000),
      at('tessera-hono-memory', 800),
      at('tessera-hono', 700),
      at('express', 1000),
      at('tessera-express', 900),
      at('express-session', 600),
    ]).split('\n')
    expect(lines).toContain('goal: Tessera Hono (memory) / bare Hono = 0.80× (target ≥ 0.75×) MET')
    expect(lines).toContain(
      'goal: Tessera Hono (SQLite) / bare Hono = 0.70× (target ≥ 0.75×) NOT MET',
    )
    expect(lines).toContain(
      'goal: Tessera Express (memory) / express-session (memory) = 1.50× (target ≥ 1.30×) MET',
    )
    expect(lines).toContain(
      'goal: Tessera Hono (Redis) / bare Hono = n/a (target ≥ 0.75×) NOT MEASURED',
    )
  })

  it('prints each reference with its ratio and no verdict: each floor against its bare framework, Tessera against the floor', () => {
    expect(references.map((r) => [r.target, r.baseline])).toEqual([
      ['hono-floor', 'hono'],
      ['tessera-hono-memory', 'hono-floor'],
      ['hono-middleware', 'hono'],
      ['tessera-hono-memory', 'hono-middleware'],
      ['hono-session-read', 'hono'],
      ['tessera-hono-memory', 'hono-session-read'],
      ['tessera-hono', 'tessera-hono-memory'],
      ['hono-redis-floor', 'hono'],
      ['tessera-hono-redis', 'hono-redis-floor'],
      ['hono-raw-redis-floor', 'hono'],
      ['hono-redis-floor', 'hono-raw-redis-floor'],
      ['fastify-hooks', 'fastify'],
      ['tessera-fastify', 'fastify-hooks'],
      ['fastify-redis-floor', 'fastify'],
      ['tessera-fastify-redis', 'fastify-redis-floor'],
      ['express-redis-floor', 'express'],
      ['tessera-express-redis', 'express-redis-floor'],
      ['hono-postgres-floor', 'hono'],
      ['tessera-hono-postgres', 'hono'],
      ['tessera-hono-postgres', 'hono-postgres-floor'],
      ['tessera-express-postgres', 'express'],
      ['tessera-express-postgres', 'express-session-postgres'],
      ['tessera-fastify-postgres', 'fastify'],
      ['tessera-fastify-postgres', 'fastify-session-postgres'],
    ])
    const floor = references.find((r) => r.target === 'hono-redis-floor') as Comparison
    const layer = references.find((r) => r.target === 'tessera-hono-redis') as Comparison
    expect(formatReference(floor, 0.672)).toBe(
      'reference: floor of a session on Redis (hono + 1 corked HMGET) / bare Hono = 0.67×',
    )
    expect(formatReference(layer, null, 'SKIPPED: redis unreachable')).toBe(
      'reference: Tessera Hono (Redis) / that floor = n/a SKIPPED: redis unreachable',
    )
    const postgres = references.find((r) => r.target === 'hono-postgres-floor') as Comparison
    expect(formatReference(postgres, null, 'SKIPPED: postgres unreachable')).toBe(
      'reference: floor of a session on PostgreSQL (hono + 1 batched pg SELECT) / bare Hono = n/a SKIPPED: postgres unreachable',
    )
  })

  it('prints each Tessera target against node:http and its own bare framework, writes and the mixed path against the peer', () => {
    const outcomes = [
      at('node-http', 2000),
      at('fastify', 1600),
      at('tessera-fastify', 1200),
      at('fastify-session', 1000),
      at('tessera-fastify', 900, 'write'),
      at('fastify-session', 600, 'write'),
      at('tessera-fastify', 1100, 'mixed'),
      at('fastify-session', 500, 'mixed'),
    ]
    expect(formatTable(outcomes)).toContain(
      'tessera fastify (memory)        1200.0    3       9       0.60×         0.75× fastify',
    )
    expect(formatWriteTable(outcomes)).toContain(
      'tessera fastify (memory)        write  900.0     3       9       1.50× fastify-session',
    )
    expect(formatWriteTable(outcomes)).toContain(
      'tessera fastify (memory)        mixed  1100.0    3       9       2.20× fastify-session',
    )
    // The read path's table has no write rows.
    expect(formatTable(outcomes)).not.toContain('mixed')
  })
})
