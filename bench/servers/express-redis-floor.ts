/// <reference path="../types/express.d.ts" />
// Bare Express 5 plus one Redis read per request and nothing else: a middleware that
// reads one session-shaped hash as RedisStore reads a session (`openFloorRedisRead`: one
// HMGET, corked until the turn ends) and keeps the user on `res.locals`; the route answers
// it. No session, no cookie.
import express from 'express'
import { openFloorRedisRead } from '../lib/floor-redis-read.js'
import { reportNodeServer } from '../lib/listen-node.js'

const floor = await openFloorRedisRead('express-redis-floor')

const app = express()
app.use((_req, res, next) => {
  floor.read().then((user) => {
    res.locals.user = user
    next()
  }, next)
})
app.get('/', (_req, res) => {
  res.json({ user: res.locals.user })
})

reportNodeServer(
  app.listen(0, '127.0.0.1', (error) => {
    if (error) throw error
  }),
  () => floor.close(),
)
