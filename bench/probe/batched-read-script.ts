// `node --import tsx probe/batched-read-script.ts`: whether the session reads of one
// event-loop turn would be cheaper as one Lua script over all their keys than as one
// corked HMGET each (what `RedisStore` sends). Against the Redis at 127.0.0.1:6379, N
// session-shaped hashes (`BATCH`, default 20: about what one turn of 50 connections
// parses, "A third slow machine" in README.md) are read ROUNDS times each way,
// alternately, three times: per read, the Node process's CPU (`process.cpuUsage`),
// Redis's time inside the commands (`INFO commandstats`, after `CONFIG RESETSTAT`) and
// the wall time. The hashes are deleted at the end. (README.md: "Tried and dropped".)
// RedisStore's own cork (not exported by @tessera/store-redis), as the floors use it.
import { corkUntilTurnEnds } from '../../packages/store-redis/src/lib/cork-until-turn-ends.js'
import { connectBenchRedis } from '../lib/bench-redis-client.js'
import { redisPrefix } from '../lib/redis.js'

const BATCH = Number(process.env.BATCH ?? 20)
const ROUNDS = Number(process.env.ROUNDS ?? 3000)
const FIELDS = ['rec', 'seen', 'idle', 'abs'] as const
// Each of a batch's commands reads all four fields, as RedisStore's `#read` does.
const LUA = `local out = {}
for i, key in ipairs(KEYS) do out[i] = redis.call('HMGET', key, 'rec', 'seen', 'idle', 'abs') end
return out`

const redis = await connectBenchRedis()
const keys = Array.from({ length: BATCH }, (_, i) => `${redisPrefix('batched-read')}s:{${i}}`)
const now = Date.now()
for (const key of keys) {
  const rec = { data: { user: 'bench' }, credentials: { cookie: 'x'.repeat(43) }, version: 1 }
  await redis.hset(key, {
    rec: JSON.stringify(rec),
    seen: String(now),
    idle: String(now + 1_209_600_000),
    abs: String(now + 2_592_000_000),
  })
}
const sha = (await redis.script('LOAD', LUA)) as string

const ways: Record<string, () => Promise<void>> = {
  'one HMGET per read': async () => {
    corkUntilTurnEnds(redis)
    await Promise.all(keys.map((key) => redis.hmget(key, ...FIELDS)))
  },
  'one script per batch': async () => {
    corkUntilTurnEnds(redis)
    const rows = (await redis.evalsha(sha, keys.length, ...keys)) as unknown[]
    if (rows.length !== BATCH) throw new Error(`expected ${BATCH} rows, got ${rows.length}`)
  },
}

for (let round = 0; round < 3; round++) {
  for (const [name, read] of Object.entries(ways)) {
    for (let i = 0; i < 300; i++) await read()
    await redis.config('RESETSTAT')
    const cpu = process.cpuUsage()
    const started = performance.now()
    for (let i = 0; i < ROUNDS; i++) await read()
    const used = process.cpuUsage(cpu)
    const wall = performance.now() - started
    const stats = await redis.info('commandstats')
    // Only the commands of the measured reads: RESETSTAT ran just before them.
    const inRedis = [...stats.matchAll(/cmdstat_(?:hmget|evalsha):calls=\d+,usec=(\d+)/g)]
      .map((m) => Number(m[1]))
      .reduce((a, b) => a + b, 0)
    const reads = ROUNDS * BATCH
    console.log(
      `${name}: Node CPU ${((used.user + used.system) / reads).toFixed(2)} µs per read, ` +
        `Redis ${(inRedis / reads).toFixed(2)} µs per read, wall ${((wall * 1000) / reads).toFixed(2)} µs per read`,
    )
  }
}
await redis.del(...keys)
await redis.quit()
