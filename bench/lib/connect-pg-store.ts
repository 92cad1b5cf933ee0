import connectPgSimple from 'connect-pg-simple'
import session from 'express-session'
import { openBenchTable } from './postgres.js'

/**
 * connect-pg-simple's store against the shared PostgreSQL, for the express-session peer
 * on PostgreSQL: the pool the Tessera PostgreSQL targets use (`openBenchTable`), its table of
 * `targetId`'s and this process's own, created by the store (`createTableIfMissing`)
 * before the server listens, and no pruning timer (the bench's sessions outlive a run).
 * `cleanup` drops that table and ends the pool.
 *
 * @example
 * ```ts
 * const { store, cleanup } = await connectPgStore('express-session-postgres')
 * ```
 */
export async function connectPgStore(targetId: string): Promise<{
  store: session.Store
  cleanup: () => Promise<void>
}> {
  const { pool, table: tableName, drop } = openBenchTable(targetId)
  const PgStore = connectPgSimple(session)
  const store = new PgStore({
    pool,
    tableName,
    createTableIfMissing: true,
    pruneSessionInterval: false,
  })
  // The store creates its table before its first query: wait for it with a read.
  await new Promise<void>((resolve, reject) =>
    store.get('none', (error) => (error ? reject(error) : resolve())),
  )
  const cleanup = async (): Promise<void> => {
    store.close()
    await drop()
  }
  return { store, cleanup }
}
