import { once } from 'node:events'
import { join } from 'node:path'
import { ConfigError, type Keyring } from '@tessera/core'
import type { Redis } from 'ioredis'
import type pg from 'pg'
import { createFileOnce } from './create-file-once.js'
import { inLockedTransaction } from './locked-transaction.js'

/** The table, in `DATABASE_URL`'s database, holding each shared table's secret mark. */
export const SECRET_CHECK_TABLE = 'tessera_demo_secret_checks'

/** Where the instances sharing a store meet, from the demo's stores and settings. */
export interface SharedStoreSecret {
  keys: Keyring
  postgres?: pg.Pool
  /** The PostgreSQL tables the instances share: each gets its own mark. */
  tables: string[]
  redis?: Redis
  redisPrefix: string
  /** `DATA_DIR`, when sessions and throttle counters are in SQLite there. */
  sqliteDir?: string
}

/**
 * Refuses to run an instance whose `TESSERA_SECRET` differs from the one the instances
 * already on its shared store (`DATABASE_URL`, `REDIS_URL`, or SQLite in one `DATA_DIR`)
 * use. The secret keys the login throttle's counters, so such an instance would count
 * every client and account afresh: behind a proxy that spreads requests over N
 * instances, N times the limit of password guesses. The first instance leaves an HMAC of a constant under its secret
 * (never the secret); a later one with another secret stops with a `ConfigError`.
 * Changing the secret of every instance takes stopping them all and deleting that mark.
 *
 * Redis is waited for up to `waitMs`; if it is not up by then, the check runs when it
 * connects, and a mismatch then ends the process.
 *
 * @example
 * ```ts
 * await checkSharedSecret(
 *   { keys: manager.keys, postgres: pool, tables: ['tessera_sessions'], redisPrefix: 'tessera:' },
 *   1000,
 * )
 * ```
 */
export async function checkSharedSecret(shared: SharedStoreSecret, waitMs: number): Promise<void> {
  const mark = await shared.keys.sign('tessera.demo.secret-check', 'one secret per store')
  if (shared.sqliteDir !== undefined) checkFile(join(shared.sqliteDir, 'secret-check'), mark)
  if (shared.postgres) await checkPostgres(shared.postgres, shared.tables, mark)
  const redis = shared.redis
  if (!redis) return
  const key = `${shared.redisPrefix}secret-check`
  const check = async () => {
    const ours = await redis.set(key, mark, 'NX')
    if (ours !== 'OK' && (await redis.get(key)) !== mark) throw mismatch(`Redis key ${key}`)
  }
  if (redis.status !== 'ready') {
    const timer = new AbortController()
    setTimeout(() => timer.abort(), waitMs).unref()
    const up = await once(redis, 'ready', { signal: timer.signal }).then(
      () => true,
      () => false,
    )
    if (!up) {
      console.error('Redis is not up yet: TESSERA_SECRET is checked against it once it is.')
      redis.once('ready', () => {
        check().catch((error: Error) => {
          if (!(error instanceof ConfigError)) return
          console.error(error.message)
          process.exit(1)
        })
      })
      return
    }
  }
  await check()
}

async function checkPostgres(pool: pg.Pool, tables: string[], mark: string): Promise<void> {
  await inLockedTransaction(pool, SECRET_CHECK_TABLE, async (client) => {
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${SECRET_CHECK_TABLE} (name text PRIMARY KEY, mark text NOT NULL)`,
    )
    for (const name of tables) {
      const { rows } = await client.query<{ mark: string }>(
        `INSERT INTO ${SECRET_CHECK_TABLE} (name, mark) VALUES ($1, $2)
         ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING mark`,
        [name, mark],
      )
      if (rows[0]?.mark !== mark) throw mismatch(`row "${name}" of ${SECRET_CHECK_TABLE}`)
    }
  })
}

function checkFile(file: string, mark: string): void {
  if (createFileOnce(file, mark) !== mark) throw mismatch(file)
}

function mismatch(where: string): ConfigError {
  return new ConfigError(
    `TESSERA_SECRET differs from the one the other instances on this store use (see ${where}): give every instance the same TESSERA_SECRET (a generated one is per DATA_DIR), or, to change it, stop them all and delete that mark`,
  )
}
