import { Hono } from 'hono'

/**
 * Bare Hono plus the least any session middleware adds there: one async middleware that
 * sets a variable and awaits `next()`, and an async handler that answers it from
 * `c.var`. No session, no cookie, no `Vary` (the Redis floor's app without its read). The
 * `hono-middleware` target's server and the `hono-middleware` scenario of
 * `bench:instructions` are this app.
 *
 * @example
 * ```ts
 * serve({ fetch: honoMiddlewareApp().fetch })
 * ```
 */
export function honoMiddlewareApp(): Hono<{ Variables: { user: string } }> {
  const app = new Hono<{ Variables: { user: string } }>()
  app.use(async (c, next) => {
    c.set('user', 'bench')
    await next()
  })
  app.get('/', async (c) => c.json({ user: c.var.user }))
  return app
}
