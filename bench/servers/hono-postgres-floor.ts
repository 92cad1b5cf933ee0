// Bare Hono plus one PostgreSQL read per request and nothing else (`serveHonoReadFloor`):
// each request runs PostgresStore's own read of one session-shaped row through the pool
// the Tessera PostgreSQL targets use (`openFloorPostgresRead`) and answers its user. No
// session, no cookie, no `Vary`: the floor of any session on PostgreSQL.
import { openFloorPostgresRead } from '../lib/floor-postgres-read.js'
import { serveHonoReadFloor } from '../lib/serve-hono-read-floor.js'

serveHonoReadFloor(await openFloorPostgresRead('hono-postgres-floor'))
