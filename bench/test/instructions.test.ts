// `npm run bench:instructions`: reading valgrind's total, one real count of a short
// request loop (skipped, with its reason, where valgrind is not installed), and the Redis
// and PostgreSQL scenarios' loops on plain Node (skipped without those servers; failed
// instead with TESSERA_REQUIRE_SERVICES=1).
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { Redis } from 'ioredis'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { serviceGate } from '../../test-support/require-service.js'
import {
  countInstructions,
  instructionCountingUnavailable,
  parseInstructionRefs,
} from '../lib/count-instructions.js'
import {
  type InstructionScenario,
  instructionScenarios,
  logsIn,
  needsPostgres,
  needsRedis,
} from '../lib/instruction-scenarios.js'
import { benchTableExists, postgresReachable, postgresTable, postgresUrl } from '../lib/postgres.js'
import { redisHost, redisPort, redisReachable } from '../lib/redis.js'
import { bundle } from '../lib/spawn-server.js'

describe('parseInstructionRefs', () => {
  it("reads cachegrind's instruction total, commas and all", () => {
    const output = [
      '==8741== Cachegrind, a cache and branch-prediction profiler',
      '==8741== ',
      '==8741== I   refs:      4,509,344,459',
    ].join('\n')
    expect(parseInstructionRefs(output)).toBe(4_509_344_459)
  })

  it('answers undefined when the output has no total (the program crashed first)', () => {
    expect(parseInstructionRefs('==1== Memcheck, a memory error detector\n')).toBeUndefined()
    expect(parseInstructionRefs('I refs: 12')).toBeUndefined()
  })
})

describe('instructionScenarios', () => {
  it('logs in first for every scenario that reads a session, and for no other', () => {
    const scenarios = Object.keys(instructionScenarios) as InstructionScenario[]
    expect(scenarios.filter(logsIn)).toEqual([
      'hono-session-read',
      'tessera-hono-memory',
      'tessera-hono-sqlite',
      'tessera-hono-jwt',
      'tessera-hono-csrf',
      'tessera-hono-redis',
      'tessera-hono-postgres',
      'tessera-fastify-memory',
      'tessera-fastify-redis',
      'tessera-express-memory',
      'tessera-express-redis',
    ])
  })
})

const unavailable = instructionCountingUnavailable()
if (unavailable) console.warn(`SKIP instruction count: ${unavailable}`)

describe.skipIf(unavailable !== undefined)('countInstructions', () => {
  it('counts a Tessera-on-Hono request loop that really reads its session', async () => {
    const entry = await bundle(
      fileURLToPath(new URL('../instructions/request-loop.ts', import.meta.url)),
    )
    // The loop checks every answer is 200 {"user":"bench"} read from the session, and
    // exits non-zero otherwise: a count is only returned for requests that did the work.
    const perRequest = await countInstructions(entry, 'tessera-hono-memory', [100, 400], 100)
    // A request through @hono/node-server, Hono and the session layer runs tens of
    // thousands of instructions; a loop that skipped the work would count far fewer. A
    // full garbage collection falling in one of the two runs adds tens of millions,
    // spread over 300 requests here (over 30, it once counted 3.2 million per request).
    expect(perRequest).toBeGreaterThan(20_000)
    expect(perRequest).toBeLessThan(2_000_000)
  }, 180_000)
})

// The loop exits non-zero unless every answer is 200 {"user":"bench"}: for the CSRF
// scenario, a refused POST (403 CSRF Failed) or a missing token at login fails it.
describe.each([
  [
    'tessera-hono-csrf',
    'posts with the token the login handed out, and every POST passes the check',
  ],
  [
    'hono-middleware',
    "answers every request from its middleware's variable, through an async handler",
  ],
  ['fastify-hooks', "answers every request from its onRequest hook's property, through onSend"],
  ['hono-session-read', 'logs in, then answers every request from the session its cookie names'],
])('the %s scenario', (scenario, what) => {
  it(what, async () => {
    const entry = await bundle(
      fileURLToPath(new URL('../instructions/request-loop.ts', import.meta.url)),
    )
    const run = promisify(execFile)(process.execPath, [entry, scenario, '200', '20'])
    expect((await run).stderr).toBe('')
  }, 60_000)
})

const redisGate = serviceGate('redis', await redisReachable(), 'no Redis at 127.0.0.1:6379')

describe.skipIf(redisGate.skip)('the Redis scenarios', () => {
  it('read Redis on every request, answer from it, and delete what they wrote', async () => {
    const entry = await bundle(
      fileURLToPath(new URL('../instructions/request-loop.ts', import.meta.url)),
    )
    const redis = new Redis({ host: redisHost, port: redisPort, lazyConnect: true })
    await redis.connect()
    try {
      const scenarios = (Object.keys(instructionScenarios) as InstructionScenario[]).filter(
        needsRedis,
      )
      expect(scenarios).toEqual([
        'hono-redis-floor',
        'tessera-hono-redis',
        'fastify-redis-floor',
        'tessera-fastify-redis',
        'express-redis-floor',
        'tessera-express-redis',
      ])
      for (const scenario of scenarios) {
        // The loop exits non-zero unless every answer is 200 {"user":"bench"}.
        const run = promisify(execFile)(process.execPath, [entry, scenario, '200', '20'])
        const seen = new Set<string>()
        // While it runs its keys are there (each scenario under its own prefix)...
        const match = `tessera-bench:instructions-*:${run.child.pid}:*`
        while (run.child.exitCode === null) {
          let cursor = '0'
          do {
            const [next, keys] = await redis.scan(cursor, 'MATCH', match, 'COUNT', 1000)
            for (const key of keys) seen.add(key)
            cursor = next
          } while (cursor !== '0')
          await new Promise((resolve) => setTimeout(resolve, 5))
        }
        await run
        expect(seen.size, scenario).toBeGreaterThan(0)
        // ...and once it has exited they are gone.
        for (const key of seen) expect(await redis.exists(key), key).toBe(0)
      }
    } finally {
      await redis.quit()
    }
  }, 60_000)
})

const postgresGate = serviceGate(
  'postgres',
  await postgresReachable(),
  `no PostgreSQL at ${postgresUrl}`,
)

describe.skipIf(postgresGate.skip)('the PostgreSQL scenarios', () => {
  it('read PostgreSQL on every request, answer from it, and drop the table they made', async () => {
    const entry = await bundle(
      fileURLToPath(new URL('../instructions/request-loop.ts', import.meta.url)),
    )
    const client = new pg.Client({ connectionString: postgresUrl })
    await client.connect()
    try {
      const scenarios = (Object.keys(instructionScenarios) as InstructionScenario[]).filter(
        needsPostgres,
      )
      expect(scenarios).toEqual(['hono-postgres-floor', 'tessera-hono-postgres'])
      for (const scenario of scenarios) {
        // The loop exits non-zero unless every answer is 200 {"user":"bench"}.
        const run = promisify(execFile)(process.execPath, [entry, scenario, '200', '20'])
        const table = postgresTable(`instructions-${scenario}`, run.child.pid)
        const exists = (): Promise<boolean> => benchTableExists(client, table)
        // While it runs its table is there (each scenario and process its own)...
        let seen = false
        while (run.child.exitCode === null) {
          seen ||= await exists()
          await new Promise((resolve) => setTimeout(resolve, 5))
        }
        expect((await run).stderr).toBe('')
        expect(seen, scenario).toBe(true)
        // ...and once it has exited it is gone.
        expect(await exists(), scenario).toBe(false)
      }
    } finally {
      await client.end()
    }
  }, 60_000)
})
