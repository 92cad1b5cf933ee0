// Tessera on Hono + SQLite with JWT session cookies signed with EdDSA (Ed25519).
import { serveTesseraJwt } from '../lib/serve-tessera-jwt.js'

await serveTesseraJwt('EdDSA')
