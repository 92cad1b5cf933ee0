/// <reference path="../types/express.d.ts" />
// Peer: Express 5 + express-session with connect-redis on node-redis (the client
// connect-redis documents), configured as its README recommends (no resave, no empty
// sessions), against the shared Redis at 127.0.0.1:6379. Keys carry this process's own
// prefix and are deleted (SCAN + DEL) on exit; nothing else in that Redis is touched.
import { RedisStore } from 'connect-redis'
import express from 'express'
import session from 'express-session'
import { createClient } from 'redis'
import { deleteKeysWithPrefix, redisPrefix, redisUrl } from '../lib/redis.js'
import { reportListening } from '../lib/report-listening.js'

const prefix = redisPrefix('express-session-redis')
const redis = createClient({ url: redisUrl, disableOfflineQueue: true })
await redis.connect()

const app = express()
app.use(
  session({
    store: new RedisStore({ client: redis, prefix }),
    secret: 'bench-secret-bench-secret-bench-secret!!',
    resave: false,
    saveUninitialized: false,
  }),
)
app.get('/login', (req, res) => {
  req.session.user = 'bench'
  res.json({ ok: true })
})
app.get('/', (req, res) => {
  res.json({ user: req.session.user ?? null })
})

const server = app.listen(0, '127.0.0.1', (error) => {
  if (error) throw error
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('expected a TCP address')
  reportListening(address.port, async () => {
    await deleteKeysWithPrefix(
      prefix,
      async (cursor, match) => {
        const page = await redis.scan(cursor, { MATCH: match, COUNT: 250 })
        return [page.cursor, page.keys]
      },
      (keys) => redis.del(keys),
    )
    await redis.close()
  })
})
