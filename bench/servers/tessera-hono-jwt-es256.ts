// Tessera on Hono + SQLite with JWT session cookies signed with ES256 (P-256).
import { serveTesseraJwt } from '../lib/serve-tessera-jwt.js'

await serveTesseraJwt('ES256')
