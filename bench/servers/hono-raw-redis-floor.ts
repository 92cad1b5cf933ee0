// `hono-redis-floor` with the read made through a bare socket and a few lines of RESP
// (`openRawRedisRead`) instead of ioredis: the same HMGET, the same batching per
// event-loop turn, the same JSON parse. A probe: it says how much of the floor of a
// session on Redis is the driver and how much is Node's own I/O (bench/README.md: "The
// floor of any session on Redis").
import { openRawRedisRead } from '../lib/raw-redis-read.js'
import { serveHonoReadFloor } from '../lib/serve-hono-read-floor.js'

serveHonoReadFloor(await openRawRedisRead('hono-raw-redis-floor'))
