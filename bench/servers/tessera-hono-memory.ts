// Tessera on Hono with Tessera's MemoryStore: the session layer alone, no store I/O, the
// same routes as tessera-hono.ts.
import { MemoryStore, SessionManager } from '@tessera/core'
import { benchSecret } from '../lib/bench-secret.js'
import { serveTesseraHono } from '../lib/serve-tessera-hono.js'

serveTesseraHono(new SessionManager({ store: new MemoryStore(), secret: benchSecret }), () => {})
