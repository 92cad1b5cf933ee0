import type { IncomingMessage } from 'node:http'
import { readBoundedBody } from '@tessera/core'
import { headersFromRecord } from '@tessera/core/adapter'
import { session, storeErrorHandler } from '@tessera/express'
import expressModule from 'express'
import type { Express, RequestHandler } from 'express-serve-static-core'
import { createApi } from './api.js'
import { createApiDispatcher } from './api-dispatcher.js'
import { type AppDeps, csrfOptions, deploymentOptions } from './app.js'

// bench/types/express.d.ts declares a minimal ambient 'express' for the bench, and an
// ambient module wins over @types/express in the root tsconfig: take the real types here.
const express = expressModule as unknown as () => Express

/**
 * The demo API on Express 5 with `@tessera/express`: `session()` with CSRF on every
 * route, the framework-independent API under `/api`, then `storeErrorHandler()` so a store
 * failure in a handler answers `503` JSON. Same routes and bytes as the Hono
 * `createApp` (`apps/demo/test/api.test.ts` runs on both).
 *
 * @example
 * ```ts
 * createExpressApp({ manager, users, hasher, throttle }).listen(3000)
 * ```
 */
export function createExpressApp(deps: AppDeps): Express {
  const app = express()
  // Express names itself on every answer; a banner helps no user and tells scanners what
  // to try.
  app.disable('x-powered-by')
  const dispatch = createApiDispatcher(createApi(deps), deps)
  app.use(
    session(deps.manager, {
      clientIp: (req) => req.socket.remoteAddress,
      ...deploymentOptions(deps),
      csrf: csrfOptions(deps),
    }),
  )
  const api: RequestHandler = async (req, res) => {
    const out = await dispatch({
      method: req.method,
      url: req.originalUrl,
      header: (name) => {
        const value = req.headers[name.toLowerCase()]
        return Array.isArray(value) ? value[0] : value
      },
      text: (limit) => readText(req, limit),
      session: req.session,
      remoteAddress: req.socket.remoteAddress,
    })
    res.status(out.status)
    for (const [name, value] of out.headers) res.setHeader(name, value)
    // res.end, not res.send: no ETag or charset added, the same bytes as every adapter.
    res.end(out.body)
  }
  app.use('/api', api)
  app.use(storeErrorHandler())
  return app
}

/**
 * The request body as UTF-8 (Express 5 parses nothing unless asked to), or `undefined`
 * past `limit` bytes. `readBoundedBody` refuses a declared oversize Content-Length before
 * the stream is touched, and reads the Node request through its events.
 */
async function readText(req: IncomingMessage, limit: number): Promise<string | undefined> {
  const body = await readBoundedBody({ headers: headersFromRecord(req.headers), body: req }, limit)
  return body.tooLarge ? undefined : new TextDecoder().decode(body.bytes)
}
