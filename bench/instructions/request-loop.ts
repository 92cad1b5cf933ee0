// One scenario of `npm run bench:instructions`, run under valgrind by
// lib/count-instructions.ts: `node request-loop.js <scenario> <iterations> <warm-up>`
// serves warm-up plus that many requests in process (no network socket, no load
// generator) and exits. Only the difference between two iteration counts is reported, so
// start-up and warm-up cancel out.
import { mkdtempSync, rmSync } from 'node:fs'
import { IncomingMessage, type RequestListener, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Duplex } from 'node:stream'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { getRequestListener } from '@hono/node-server'
import {
  generateJwtKey,
  getCsrfToken,
  JwtKeySet,
  MemoryStore,
  SessionManager,
  type SessionStore,
} from '@tessera/core'
import { type SessionEnv, session } from '@tessera/hono'
import { SqliteStore } from '@tessera/store-sqlite'
import type { FastifyInstance } from 'fastify'
import { type Context, Hono } from 'hono'
import { benchSecret } from '../lib/bench-secret.js'
import {
  type InstructionScenario,
  instructionScenarios,
  isInstructionScenario,
  logsIn,
  needsPostgres,
  needsRedis,
} from '../lib/instruction-scenarios.js'

const [scenario, count, warmUp] = [
  process.argv[2] ?? '',
  Number(process.argv[3]),
  Number(process.argv[4]),
]
if (
  !isInstructionScenario(scenario) ||
  !Number.isInteger(count) ||
  count < 0 ||
  !Number.isInteger(warmUp) ||
  warmUp < 0
) {
  console.error(
    `usage: request-loop <${Object.keys(instructionScenarios).join('|')}> <iterations> <warm-up>`,
  )
  process.exit(2)
}

const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-instructions-'))
// A clock that stands still: every run sees the same timestamps, so no run crosses a
// sliding-expiry renewal (a store write) that another does not.
const startedAt = Date.now()
const clock = (): number => startedAt
// What the scenario opened, closed at the end (its store, Redis connections).
const closing: Array<() => Promise<void>> = []
// The PostgreSQL scenarios' pool: the targets' own, but with time to connect. Valgrind
// runs the loop tens of times slower than Node does, and `bench:attribute` runs four such
// loops at once on two cores, where a connection took longer than the targets' 500 ms
// ("Connection terminated due to connection timeout"). The timeout is only a timer set
// while connecting: the counts per request do not see it.
const postgresPool = { connectTimeoutMs: 60_000 }

/** The scenario's session manager (a bare scenario builds one it never uses). */
async function managerOf(id: InstructionScenario): Promise<SessionManager> {
  if (needsRedis(id) && logsIn(id)) {
    // Tessera on Redis (`tessera-hono-redis`, `-fastify-`, `-express-`), imported by those
    // scenarios only (code loaded into the process moves the counts): the target's client
    // and store, on the clock that stands still.
    const { tesseraOnRedis } = await import('../lib/tessera-redis.js')
    const { manager, cleanup } = await tesseraOnRedis(`instructions-${id}`, { clock })
    closing.push(cleanup)
    return manager
  }
  if (needsPostgres(id) && logsIn(id)) {
    // Tessera on PostgreSQL (`tessera-hono-postgres`), the same way: the target's pool,
    // table and store.
    const { tesseraOnPostgres } = await import('../lib/tessera-postgres.js')
    const { manager, cleanup } = await tesseraOnPostgres(`instructions-${id}`, {
      clock,
      ...postgresPool,
    })
    closing.push(cleanup)
    return manager
  }
  const store: SessionStore =
    id === 'tessera-hono-sqlite' || id === 'tessera-hono-jwt'
      ? new SqliteStore({ path: join(dir, 'sessions.sqlite3'), clock })
      : new MemoryStore({ clock })
  closing.push(async () => store.close?.())
  if (id !== 'tessera-hono-jwt') return new SessionManager({ store, secret: benchSecret, clock })
  // `tessera-hono-jwt` is `tessera-hono-sqlite` with the `tessera-hono-jwt-eddsa` target's
  // cookies: JWTs signed with a fresh Ed25519 key, the JWKS route served.
  return new SessionManager({
    store,
    secret: benchSecret,
    clock,
    format: 'jwt',
    jwt: {
      keys: await JwtKeySet.fromJson({
        keys: [await generateJwtKey('EdDSA', { kid: 'bench-EdDSA' })],
      }),
      issuer: 'tessera-bench',
      audience: 'tessera-bench',
    },
  })
}

const manager = await managerOf(scenario)

/** The scenario's app as Node's `request` listener: what each framework's server runs. */
async function listenerOf(id: InstructionScenario): Promise<RequestListener> {
  switch (id) {
    case 'hono': {
      const app = new Hono()
      app.get('/', (c) => c.json({ user: 'bench' }))
      // @hono/node-server's own listener, as `serve()` installs it.
      return getRequestListener(app.fetch)
    }
    case 'hono-middleware': {
      const { honoMiddlewareApp } = await import('../lib/hono-middleware-app.js')
      return getRequestListener(honoMiddlewareApp().fetch)
    }
    case 'hono-session-read': {
      const { honoSessionReadApp } = await import('../lib/hono-session-read-app.js')
      return getRequestListener(honoSessionReadApp().fetch)
    }
    case 'hono-redis-floor':
    case 'hono-postgres-floor': {
      // Each floor's driver is imported by its own scenario only.
      const floor =
        id === 'hono-redis-floor'
          ? await (await import('../lib/floor-redis-read.js')).openFloorRedisRead(
              `instructions-${id}`,
            )
          : await (await import('../lib/floor-postgres-read.js')).openFloorPostgresRead(
              `instructions-${id}`,
              postgresPool,
            )
      const { honoReadFloorApp } = await import('../lib/hono-read-floor-app.js')
      closing.push(() => floor.close())
      return getRequestListener(honoReadFloorApp(floor).fetch)
    }
    case 'tessera-hono-memory':
    case 'tessera-hono-sqlite':
    case 'tessera-hono-redis':
    case 'tessera-hono-postgres':
    case 'tessera-hono-jwt':
    case 'tessera-hono-csrf': {
      const app = new Hono<SessionEnv>()
      app.use(
        session(
          manager,
          id === 'tessera-hono-jwt'
            ? { jwks: true }
            : id === 'tessera-hono-csrf'
              ? { csrf: true }
              : {},
        ),
      )
      app.get('/login', async (c) => {
        await c.var.session.set('user', 'bench')
        // The token a page would put in `X-CSRFToken` (`tessera-hono-csrf` posts it back).
        return c.json({ csrfToken: await getCsrfToken(c.var.session) })
      })
      const answer = async (c: Context<SessionEnv>) =>
        c.json({ user: (await c.var.session.get('user')) ?? null })
      app.get('/', answer)
      app.post('/', answer)
      return getRequestListener(app.fetch)
    }
    // Each framework is imported by its own scenarios only: code loaded into the process
    // moves V8's counts, so a scenario loads nothing the bare one it is compared with
    // would not, besides Tessera.
    case 'fastify':
    case 'fastify-hooks':
    case 'fastify-redis-floor':
    case 'tessera-fastify-memory':
    case 'tessera-fastify-redis': {
      const { default: Fastify } = await import('fastify')
      const { tesseraFastifyApp } = await import('../lib/tessera-fastify-app.js')
      let app: FastifyInstance
      if (id === 'fastify') {
        app = Fastify()
        app.get('/', async () => ({ user: 'bench' }))
      } else if (id === 'fastify-hooks') {
        const { fastifyHooksApp } = await import('../lib/fastify-hooks-app.js')
        app = fastifyHooksApp()
      } else if (id === 'fastify-redis-floor') {
        const { openFloorRedisRead } = await import('../lib/floor-redis-read.js')
        const { fastifyReadFloorApp } = await import('../lib/fastify-read-floor-app.js')
        const floor = await openFloorRedisRead('instructions-fastify-redis-floor')
        closing.push(() => floor.close())
        app = fastifyReadFloorApp(floor)
      } else {
        app = await tesseraFastifyApp(manager)
      }
      await app.ready()
      // What Fastify's server calls for each request.
      return app.routing as RequestListener
    }
    case 'express':
    case 'express-redis-floor':
    case 'tessera-express-memory':
    case 'tessera-express-redis': {
      const { default: express } = await import('express')
      const { tesseraExpressApp } = await import('../lib/tessera-express-app.js')
      if (id === 'tessera-express-memory' || id === 'tessera-express-redis') {
        return tesseraExpressApp(manager) as unknown as RequestListener
      }
      if (id === 'express-redis-floor') {
        const { openFloorRedisRead } = await import('../lib/floor-redis-read.js')
        const { expressReadFloorApp } = await import('../lib/express-read-floor-app.js')
        const floor = await openFloorRedisRead('instructions-express-redis-floor')
        closing.push(() => floor.close())
        return expressReadFloorApp(floor) as unknown as RequestListener
      }
      const app = express()
      app.get('/', (_req, res) => {
        res.json({ user: 'bench' })
      })
      return app as unknown as RequestListener
    }
  }
}

// The listener is fed Node's IncomingMessage and ServerResponse over an in-memory socket:
// the production path from Node's parsed request to the bytes of the response, minus the
// kernel.
const listener = await listenerOf(scenario)
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

/**
 * Serves one request for `path` (`GET`, or `POST` with `csrfToken` in `X-CSRFToken` and
 * the `Origin` and `Sec-Fetch-Site` a browser sends from the page itself) and resolves
 * with the response's bytes as text.
 */
function serveOne(path: string, cookie?: string, csrfToken?: string): Promise<string> {
  const request = new IncomingMessage(socket as unknown as Socket)
  request.method = csrfToken === undefined ? 'GET' : 'POST'
  request.url = path
  request.httpVersion = '1.1'
  request.httpVersionMajor = 1
  request.httpVersionMinor = 1
  const raw = ['Host', '127.0.0.1']
  if (cookie) raw.push('Cookie', cookie)
  if (csrfToken !== undefined) {
    raw.push('Origin', 'http://127.0.0.1', 'Sec-Fetch-Site', 'same-origin')
    raw.push('X-CSRFToken', csrfToken, 'Content-Length', '0')
  }
  request.rawHeaders = raw
  request.headers = {}
  for (let i = 0; i < raw.length; i += 2) {
    request.headers[(raw[i] as string).toLowerCase()] = raw[i + 1] as string
  }
  request.complete = true
  request.push(null)
  const response = new ServerResponse(request)
  response.assignSocket(socket as unknown as Socket)
  written = ''
  return new Promise((resolve) => {
    // As Node's server does once a response has finished (_http_server.js, resOnFinish):
    // detach the socket, then emit 'close' on the next tick.
    response.once('finish', () => {
      response.detachSocket(socket as unknown as Socket)
      process.nextTick(() => {
        response.destroyed = true
        response.emit('close')
        resolve(written)
      })
    })
    void listener(request, response)
  })
}

let cookie: string | undefined
let csrfToken: string | undefined
if (logsIn(scenario)) {
  const login = await serveOne('/login')
  cookie = /^set-cookie: (sessionid=[^;]+)/im.exec(login)?.[1]
  if (cookie === undefined) throw new Error(`GET /login set no cookie:\n${login}`)
  if (scenario === 'tessera-hono-csrf') {
    csrfToken = /"csrfToken":"(\w+)"/.exec(login)?.[1]
    if (csrfToken === undefined) throw new Error(`GET /login gave no CSRF token:\n${login}`)
  }
}
const expected = '{"user":"bench"}'
for (let i = 0; i < warmUp + count; i++) {
  // Each request in an event-loop turn of its own, as on a server with one request in
  // flight: what a store shares across the requests of one turn (SqliteStore's read
  // transaction) is counted once per request, its most expensive case.
  await nextTurn()
  const out = await serveOne('/', cookie, csrfToken)
  if (!out.startsWith('HTTP/1.1 200 ') || !out.endsWith(expected)) {
    throw new Error(`${csrfToken === undefined ? 'GET' : 'POST'} / answered:\n${out}`)
  }
}
for (const close of closing) await close()
rmSync(dir, { recursive: true, force: true })
