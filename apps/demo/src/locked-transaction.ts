import type pg from 'pg'

/**
 * Runs `work` in one transaction on one pooled client, holding a transaction-level
 * advisory lock on `lock` first, so instances starting together take turns (CREATE TABLE
 * IF NOT EXISTS is not atomic). A failure rolls back and rethrows; a client whose
 * rollback failed is discarded rather than returned to the pool.
 *
 * @example
 * ```ts
 * await inLockedTransaction(pool, 'tessera-demo:users', (c) => c.query('CREATE TABLE …'))
 * ```
 */
export async function inLockedTransaction(
  pool: pg.Pool,
  lock: string,
  work: (client: pg.PoolClient) => Promise<unknown>,
): Promise<void> {
  const client = await pool.connect()
  let broken: Error | undefined
  try {
    await client.query('BEGIN')
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [lock])
    await work(client)
    await client.query('COMMIT')
  } catch (error) {
    await client.query('ROLLBACK').catch((e: Error) => {
      broken = e
    })
    throw error
  } finally {
    client.release(broken)
  }
}
