// Bare Hono plus one Redis read per request and nothing else (`serveHonoReadFloor`): each
// request reads one session-shaped hash as RedisStore reads a session
// (`openFloorRedisRead`: one HMGET, corked until the turn ends) and answers its user. No
// session, no cookie, no `Vary` (which Tessera's Hono adapter sets without building the
// response's Headers; `hono-floor` still measures the old way).
//
// Until the references of `bench:goals` this was `hono-floor` plus an uncorked read: it
// wrote each read on its own and paid hono-floor's `Vary` through `c.res.headers`, and
// read below Tessera on Redis (bench/README.md: "The floor of any session on Redis").
import { openFloorRedisRead } from '../lib/floor-redis-read.js'
import { serveHonoReadFloor } from '../lib/serve-hono-read-floor.js'

serveHonoReadFloor(await openFloorRedisRead('hono-redis-floor'))
