import pg from 'pg'

/**
 * `null` when PostgreSQL at `url` accepted a connection and answered `SELECT 1` within
 * two seconds, else why not (for a service gate's reason).
 */
export async function probePostgres(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 })
  client.on('error', () => undefined)
  try {
    await client.connect()
  } catch (error) {
    return (error as Error).message || String(error)
  }
  try {
    await client.query('SELECT 1')
    return null
  } catch (error) {
    return (error as Error).message
  } finally {
    await client.end()
  }
}
