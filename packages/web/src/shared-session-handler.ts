import { requestViewOf, type SharedSessions } from '@tessera/core'
import type { SessionHandler } from './with-session.js'

/** Options of {@link sharedSessionHandler}. */
export interface SharedSessionHandlerOptions {
  /**
   * Whether a request reached the app over HTTPS.
   * @default what the enclosing `withSession` decided (its `trustProxy`)
   */
  secure?: (request: Request) => boolean
}

/**
 * django-shared-session's endpoints for fetch handlers: a {@link SessionHandler} that answers
 * `GET <shared.path>/*` (the script path, the SPA loader, the redirect path) and hands
 * every other request to `next`. Wrap it in `withSession`, which saves the session and
 * sets the cookie a transfer installed.
 *
 * @example
 * ```ts
 * const shared = new SharedSessions({ sites: ['https://a.example', 'https://b.example'], key })
 * const handler = withSession(manager, sharedSessionHandler(shared, app))
 * Bun.serve({ fetch: handler })
 * ```
 */
export function sharedSessionHandler<Rest extends unknown[] = []>(
  shared: SharedSessions,
  next: SessionHandler<Rest>,
  options: SharedSessionHandlerOptions = {},
): SessionHandler<Rest> {
  const prefix = `${shared.path}/`
  return async function tesseraSharedSession(request, context, ...rest) {
    if (new URL(request.url).pathname.startsWith(prefix)) {
      const secure =
        options.secure?.(request) ??
        requestViewOf(context.session, {
          consumer: 'sharedSessionHandler()',
          session: 'withSession()',
        }).secure
      const response = await shared.handle(request, context.session, { secure })
      if (response) return response
    }
    return next(request, context, ...rest)
  }
}
