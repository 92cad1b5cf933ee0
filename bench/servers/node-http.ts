// Baseline: the least work a Node server can do per request. Every other target is read
// as a fraction of this one.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { reportListening } from '../lib/report-listening.js'

const body = JSON.stringify({ user: 'bench' })

const server = createServer((_req, res) => {
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  })
  res.end(body)
})

server.listen(0, '127.0.0.1', () => {
  reportListening((server.address() as AddressInfo).port)
})
