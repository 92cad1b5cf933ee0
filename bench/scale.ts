// `npm run bench:scale`: what sessions cost at scale in each store — bytes per live
// session (beside connect-redis's) and `tessera clearsessions` on as many expired ones.
// See README.md ("Scale"). Long: 100k sessions by default, BENCH_SCALE_SESSIONS=1000000 for 1M.
import { probePostgres } from '../test-support/postgres-probe.js'
import { postgresUrl } from './lib/postgres.js'
import { redisReachable } from './lib/redis.js'
import { postgresScale } from './lib/scale-postgres.js'
import { loggedInRecord } from './lib/scale-record.js'
import { redisScale } from './lib/scale-redis.js'
import type { Clearing, Footprint } from './lib/scale-result.js'
import { sqliteScale } from './lib/scale-sqlite.js'

const counts = readCounts(process.env.BENCH_SCALE_SESSIONS)
const template = await loggedInRecord()
console.log(
  `bench:scale: ${counts.join(', ')} sessions per store; each a copy of a logged-in session ` +
    `(${JSON.stringify(template).length} bytes of record JSON) with its own id and credential`,
)

const footprints: Footprint[] = []
const clearings: Clearing[] = []
const skipped: string[] = []
const redisUp = await redisReachable()
const postgresDown = await probePostgres(postgresUrl)
if (!redisUp) skipped.push('redis: unreachable at 127.0.0.1:6379')
if (postgresDown !== null) skipped.push(`postgres: ${postgresDown}`)

for (const sessions of counts) {
  console.log(`\n${sessions} sessions: sqlite`)
  const sqlite = await sqliteScale(template, sessions)
  footprints.push(sqlite.footprint)
  clearings.push(sqlite.clearing)
  if (redisUp) {
    console.log(`${sessions} sessions: redis`)
    const redis = await redisScale(template, sessions)
    footprints.push(...redis.footprints)
    clearings.push(redis.clearing)
  }
  if (postgresDown === null) {
    console.log(`${sessions} sessions: postgres`)
    const postgres = await postgresScale(template, sessions)
    footprints.push(postgres.footprint)
    clearings.push(postgres.clearing)
  }
}

console.log(
  `\n${'store'.padEnd(18)}${'sessions'.padEnd(10)}${'bytes/session'.padEnd(15)}${'MB'.padEnd(9)}measured as`,
)
for (const f of footprints) {
  console.log(
    f.store.padEnd(18) +
      String(f.sessions).padEnd(10) +
      (f.bytes / f.sessions).toFixed(0).padEnd(15) +
      (f.bytes / 1e6).toFixed(1).padEnd(9) +
      f.how,
  )
}
console.log(
  `\n${'clearsessions'.padEnd(18)}${'expired'.padEnd(10)}${'seconds'.padEnd(9)}${'sessions/s'.padEnd(12)}it said`,
)
for (const c of clearings) {
  console.log(
    c.store.padEnd(18) +
      String(c.sessions).padEnd(10) +
      c.seconds.toFixed(1).padEnd(9) +
      (c.sessions / c.seconds).toFixed(0).padEnd(12) +
      c.said,
  )
}
for (const reason of skipped) console.log(`SKIPPED ${reason}`)

function readCounts(raw: string | undefined): number[] {
  if (raw === undefined || raw.trim() === '') return [100_000]
  const counts = raw.split(',').map((part) => Number(part.trim()))
  if (counts.some((n) => !Number.isInteger(n) || n < 1)) {
    console.error(
      `BENCH_SCALE_SESSIONS: expected whole numbers >= 1 separated by commas, got "${raw}"`,
    )
    process.exit(1)
  }
  return counts
}
