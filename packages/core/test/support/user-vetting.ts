import { randomBytes } from 'node:crypto'
import {
  type AuthUser,
  type CommitResult,
  createSessionJwtVerifier,
  type JwtKeySet,
  login,
  MemoryStore,
  SessionManager,
  type SessionManagerOptions,
  type SessionStore,
  type UserProvider,
} from '@tessera/core'
import { RedisStore } from '@tessera/store-redis'
import { ManualClock } from '@tessera/testing'
import { Redis } from 'ioredis'
import { pingRedis } from '../../../../test-support/redis-ping.js'
import { serviceGate } from '../../../../test-support/require-service.js'
import { userTable } from '../management/fixture.js'
import { SECRET, T0 } from './harness.js'

/**
 * Shared by the tests of how introspection and the session JWT re-issue treat a session
 * whose user the app no longer accepts: the stores they run on, a user table that counts
 * its lookups, and the JWT options.
 */

const REDIS = new URL(process.env.TESSERA_REDIS_URL || 'redis://127.0.0.1:6379')
const pong = await pingRedis(REDIS.hostname, Number(REDIS.port || 6379))
export const redisGate = serviceGate('redis', pong === null, `no PONG from ${REDIS.host}: ${pong}`)

/** One Redis client and key prefix per test file; `cleanUp` deletes every key under it. */
export function redisStores() {
  const client = redisGate.skip
    ? null
    : new Redis({ host: REDIS.hostname, port: Number(REDIS.port || 6379) })
  const prefix = `tessera-test:jwt-user:${randomBytes(4).toString('hex')}:`
  let made = 0
  return {
    // A prefix of its own per store: each test sees only the sessions it made.
    make: (clock: ManualClock): SessionStore =>
      new RedisStore({ client: client as Redis, prefix: `${prefix}${made++}:`, clock: clock.now }),
    async cleanUp() {
      if (!client) return
      const keys = await client.keys(`${prefix}*`)
      if (keys.length) await client.del(...keys)
      client.disconnect()
    },
  }
}

/** The stores every case runs on: memory, and a real Redis. */
export function storeCases(redis: ReturnType<typeof redisStores>) {
  return [
    { name: 'MemoryStore', make: (clock: ManualClock) => new MemoryStore({ clock: clock.now }) },
    { name: 'RedisStore', make: redis.make, skip: redisGate.skip },
  ] as const
}

export const ISSUER = 'https://app.test'
export const AUDIENCE = 'federated'

export function jwtOptions(keys: JwtKeySet) {
  return { keys, issuer: ISSUER, audience: AUDIENCE, fields: ['username'], ttl: 300 }
}

/** A store-less verifier, as a federated service runs it. */
export function federatedVerifier(keys: JwtKeySet, clock: ManualClock) {
  return createSessionJwtVerifier({ ...jwtOptions(keys), clock: clock.now })
}

/** The test user table (ada is `1`), its `findById` calls counted. */
export function countedUsers() {
  const { users, byId } = userTable()
  const counted = { findById: 0 }
  const provider: UserProvider = {
    ...users,
    findById: (id) => {
      counted.findById++
      return users.findById(id)
    },
  }
  return {
    users: provider,
    counted,
    disable: (id: string) => {
      ;(byId.get(id) as AuthUser).isActive = false
    },
    // An admin's reset, straight into the user table: not through changePassword().
    resetPassword: (id: string) => {
      ;(byId.get(id) as AuthUser).passwordHash = 'plain$reset-by-admin'
    },
  }
}

/**
 * A manager in the `jwt` format over a store from `make`, on a manual clock, with the
 * counted user table; the manager gets those users unless `managerUsers` is `false`.
 */
export function vettingHarness(
  make: (clock: ManualClock) => SessionStore,
  keys: JwtKeySet,
  {
    managerUsers = true,
    ...options
  }: Partial<SessionManagerOptions> & { managerUsers?: boolean } = {},
) {
  const clock = new ManualClock(T0)
  const store = make(clock)
  const u = countedUsers()
  const manager = new SessionManager({
    store,
    secret: SECRET,
    clock: clock.now,
    format: 'jwt',
    jwt: jwtOptions(keys),
    ...(managerUsers && { users: u.users }),
    ...options,
  })
  return { clock, store, manager, verify: federatedVerifier(keys, clock), ...u }
}

/** The session JWT a commit set, or `undefined` (none, or the cookie was cleared). */
export function jwtOf(result: CommitResult): string | undefined {
  const value = result.setCookie
    .find((c) => c.startsWith('sessionid='))
    ?.split(';')[0]
    ?.slice('sessionid='.length)
  return value === '' ? undefined : value
}

/** Logs ada in on `manager` and returns her session JWT. */
export async function adaLoggedIn(manager: SessionManager, users: UserProvider): Promise<string> {
  const s = manager.open({ cookie: undefined, secure: true })
  await login(s, (await users.findById('1')) as AuthUser)
  return jwtOf(await manager.commit(s)) as string
}
