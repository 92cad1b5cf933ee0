/// <reference path="../types/express.d.ts" />
// Peer: Express 5 + express-session with its default MemoryStore, configured the way its
// README recommends (no resave, no empty sessions).
import express from 'express'
import session from 'express-session'
import { reportListening } from '../lib/report-listening.js'

const app = express()
app.use(
  session({
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
  reportListening(address.port)
})
