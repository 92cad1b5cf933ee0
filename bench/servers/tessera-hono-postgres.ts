// Tessera on Hono with the PostgreSQL store over pg: the same routes as tessera-hono.ts,
// against the shared PostgreSQL at 127.0.0.1:5432 (database `test`). The sessions live in
// a table of this process's own, dropped on exit; nothing else in that database is touched.
import { serveTesseraHono } from '../lib/serve-tessera-hono.js'
import { tesseraOnPostgres } from '../lib/tessera-postgres.js'

const { manager, cleanup } = await tesseraOnPostgres('tessera-hono-postgres')

serveTesseraHono(manager, cleanup)
