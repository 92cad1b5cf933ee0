// One scenario of `npm run bench:instructions`, run under valgrind by
// lib/count-instructions.ts: `node request-loop.js <scenario> <iterations>` serves that
// many requests in process (no network socket, no load generator), after a fixed
// warm-up, and exits. Only the difference between two iteration counts is reported, so start-up and
// warm-up cancel out.
import { mkdtempSync, rmSync } from 'node:fs'
import { IncomingMessage, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Duplex } from 'node:stream'
import { getRequestListener } from '@hono/node-server'
import { MemoryStore, SessionManager, type SessionStore } from '@tessera/core'
import { type SessionEnv, session } from '@tessera/hono'
import { SqliteStore } from '@tessera/store-sqlite'
import { Hono } from 'hono'
import { benchSecret } from '../lib/bench-secret.js'
import { type InstructionScenario, instructionScenarios } from '../lib/instruction-scenarios.js'

const [scenario, count, warmUp] = [
  process.argv[2],
  Number(process.argv[3]),
  Number(process.argv[4]),
]
if (
  !instructionScenarios.includes(scenario as InstructionScenario) ||
  !Number.isInteger(count) ||
  count < 0 ||
  !Number.isInteger(warmUp) ||
  warmUp < 0
) {
  console.error(`usage: request-loop <${instructionScenarios.join('|')}> <iterations> <warm-up>`)
  process.exit(2)
}

const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-instructions-'))
// A clock that stands still: every run sees the same timestamps, so no run crosses a
// sliding-expiry renewal (a store write) that another does not.
const startedAt = Date.now()
const clock = (): number => startedAt
const store: SessionStore =
  scenario === 'tessera-hono-sqlite'
    ? new SqliteStore({ path: join(dir, 'sessions.sqlite3'), clock })
    : new MemoryStore({ clock })
const app = new Hono<SessionEnv>()
if (scenario === 'hono') {
  app.get('/', (c) => c.json({ user: 'bench' }))
} else {
  app.use(session(new SessionManager({ store, secret: benchSecret, clock })))
  app.get('/login', async (c) => {
    await c.var.session.set('user', 'bench')
    return c.json({ ok: true })
  })
  app.get('/', async (c) => c.json({ user: (await c.var.session.get('user')) ?? null }))
}

// @hono/node-server's own request listener, as `serve()` installs it, fed Node's
// IncomingMessage and ServerResponse over an in-memory socket: the production path from
// Node's parsed request to the bytes of the response, minus the kernel.
const listener = getRequestListener(app.fetch)
let written = ''
const socket = new Duplex({
  read() {},
  write(chunk: Buffer, _encoding, done) {
    written += chunk.toString()
    done()
  },
  writev(chunks, done) {
    for (const { chunk } of chunks) written += String(chunk)
    done()
  },
})
Object.defineProperty(socket, 'remoteAddress', { value: '127.0.0.1' })

/** Serves one `GET path` and resolves with the response's bytes as text. */
function serveOne(path: string, cookie?: string): Promise<string> {
  const request = new IncomingMessage(socket as unknown as Socket)
  request.method = 'GET'
  request.url = path
  request.httpVersion = '1.1'
  request.httpVersionMajor = 1
  request.httpVersionMinor = 1
  request.headers = cookie ? { host: '127.0.0.1', cookie } : { host: '127.0.0.1' }
  request.rawHeaders = cookie ? ['Host', '127.0.0.1', 'Cookie', cookie] : ['Host', '127.0.0.1']
  request.complete = true
  request.push(null)
  const response = new ServerResponse(request)
  response.assignSocket(socket as unknown as Socket)
  written = ''
  return new Promise((resolve) => {
    response.once('finish', () => {
      response.detachSocket(socket as unknown as Socket)
      resolve(written)
    })
    void listener(request, response)
  })
}

let cookie: string | undefined
if (scenario !== 'hono') {
  const login = await serveOne('/login')
  cookie = /^set-cookie: ([^;]+)/im.exec(login)?.[1]
  if (cookie === undefined) throw new Error(`GET /login set no cookie:\n${login}`)
}
const expected = '{"user":"bench"}'
for (let i = 0; i < warmUp + count; i++) {
  const out = await serveOne('/', cookie)
  if (!out.startsWith('HTTP/1.1 200 ') || !out.endsWith(expected)) {
    throw new Error(`GET / answered:\n${out}`)
  }
}
await store.close?.()
rmSync(dir, { recursive: true, force: true })
