// Minimal declarations for the parts of express 5 and express-session that
// servers/express-session*.ts, servers/express-redis-floor.ts (and connect-redis's own declarations) use. The workspace does not install @types/express or
// @types/express-session; if it ever does, delete this file and its reference.

declare module 'express' {
  import type { IncomingMessage, Server, ServerResponse } from 'node:http'

  namespace express {
    interface Request extends IncomingMessage {
      /** Added by express-session; only the field the bench stores. */
      session: { user?: string; n?: number }
    }
    interface Response extends ServerResponse {
      /** What middleware keeps for the route (servers/express-redis-floor.ts). */
      locals: Record<string, unknown>
      json(body: unknown): this
    }
    type NextFunction = (error?: unknown) => void
    type Handler = (req: Request, res: Response, next: NextFunction) => void | Promise<void>
    interface Application {
      use(handler: Handler): this
      get(path: string, handler: Handler): this
      listen(port: number, host: string, callback: (error?: Error) => void): Server
    }
  }

  function express(): express.Application
  export = express
}

declare module 'express-session' {
  import type { Handler } from 'express'

  namespace session {
    /** What a session holds (connect-redis's declarations import this name). */
    type SessionData = object
    /** Base class of session stores, e.g. connect-redis's RedisStore. */
    class Store {}
    interface Options {
      secret: string
      resave: boolean
      saveUninitialized: boolean
      /** @default a MemoryStore */
      store?: Store
    }
  }

  function session(options: session.Options): Handler
  export = session
}
