/// <reference path="../types/express.d.ts" />
// Bare Express 5: the framework cost express-session and Tessera's Express adapter sit on.
import express from 'express'
import { reportNodeServer } from '../lib/listen-node.js'

const app = express()
app.get('/', (_req, res) => {
  res.json({ user: 'bench' })
})

reportNodeServer(
  app.listen(0, '127.0.0.1', (error) => {
    if (error) throw error
  }),
)
