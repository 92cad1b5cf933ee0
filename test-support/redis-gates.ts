import { pingRedis } from './redis-ping.js'
import { onPath, serviceGate } from './require-service.js'

/**
 * The Redis tests' two service gates: `redis`, the shared server at
 * `TESSERA_REDIS_URL` (default `redis://127.0.0.1:6379`), which must answer PING; and
 * `redis-cluster`, a throwaway cluster the test starts itself, which needs only
 * `redis-server` and `redis-cli` on PATH.
 *
 * @example
 * ```ts
 * const { host, port, gate, clusterGate } = await redisGates()
 * describe.skipIf(gate.skip)('on redis', () => { ... })
 * ```
 */
export async function redisGates(): Promise<{
  host: string
  port: number
  gate: { skip: boolean }
  clusterGate: { skip: boolean }
}> {
  const url = new URL(process.env.TESSERA_REDIS_URL || 'redis://127.0.0.1:6379')
  const host = url.hostname
  const port = Number(url.port || 6379)
  const pong = await pingRedis(host, port)
  const gate = serviceGate('redis', pong === null, `no PONG from ${host}:${port}: ${pong}`)
  const missing = ['redis-server', 'redis-cli'].filter((name) => !onPath(name))
  const clusterGate = serviceGate(
    'redis-cluster',
    missing.length === 0,
    `not on PATH: ${missing.join(', ')}`,
  )
  return { host, port, gate, clusterGate }
}
