import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { type AuthUser, getCsrfToken, login, type Session } from '@tessera/core'
import { type AdapterApp, type AdapterSetupOptions, describeAdapter } from '@tessera/testing'
import { requireUser, withSession } from '@tessera/web'

const json = (body: unknown) => Response.json(body)

/** The conformance route table (`AdapterRoutes`) as plain fetch handlers. */
async function route(request: Request, session: Session): Promise<Response> {
  const url = new URL(request.url)
  const [, first, key] = url.pathname.split('/')
  if (request.method === 'GET' && url.pathname === '/static') return new Response('static')
  if (request.method === 'GET' && first === 'get' && key)
    return json({ value: (await session.get(key)) ?? null })
  if (request.method === 'POST' && first === 'set' && key) {
    await session.set(key, await request.json())
    return json({ ok: true })
  }
  if (request.method === 'GET' && url.pathname === '/data') return json(await session.data())
  if (request.method === 'POST' && url.pathname === '/flush') {
    await session.flush()
    return json({ ok: true })
  }
  if (request.method === 'GET' && url.pathname === '/csrf-token')
    return json({ csrfToken: await getCsrfToken(session) })
  if (request.method === 'GET' && url.pathname === '/session-token')
    return json({ sessionToken: await session.getSessionToken() })
  if (request.method === 'POST' && url.pathname === '/throw') {
    await session.set('thrown', true)
    throw new Error('handler failed')
  }
  if (request.method === 'POST' && url.pathname === '/fail') {
    await session.set('failed', true)
    return Response.json({ failed: true }, { status: 500 })
  }
  if (request.method === 'GET' && url.pathname === '/redirect') {
    await session.set('redirected', true)
    return Response.redirect(new URL('/static', url).href, 302)
  }
  return json({ detail: 'Not found' })
}

/** One handler for the app, under withSession with the suite's options. */
function app({
  manager,
  users,
  options,
}: AdapterSetupOptions): (request: Request) => Promise<Response> {
  const handler = withSession(
    manager,
    async (request, context) => {
      const { pathname } = new URL(request.url)
      if (pathname === '/members/open') return json({ open: true })
      if (pathname === '/members/plain') return json({ plain: true })
      if (pathname === '/members/me') {
        const user = await requireUser(context, users)
        if (user instanceof Response) return user
        return json({ username: user.username })
      }
      if (request.method === 'POST' && pathname === '/login') {
        await login(context.session, (await users.findByUsername('ada')) as AuthUser)
        return json({ ok: true })
      }
      if (request.method === 'POST' && pathname === '/protected') {
        await context.session.set('done', true)
        return json({ ok: true })
      }
      return route(request, context.session)
    },
    options,
  )
  // The caller's error path: withSession rethrows what is not Tessera's.
  return async (request) => {
    try {
      return await handler(request)
    } catch (error) {
      return json500((error as Error).message)
    }
  }
}

const json500 = (caught: string) => Response.json({ caught }, { status: 500 })

describeAdapter('web (fetch handler)', (options) => ({ fetch: app(options) }))

describeAdapter(
  'web (fetch handler) over a real port',
  (options) => {
    const fetch = app(options)
    return new Promise<AdapterApp>((resolve) => {
      const server = serve({ fetch, hostname: '127.0.0.1', port: 0 }, (info) => {
        resolve({
          fetch,
          url: `http://127.0.0.1:${(info as AddressInfo).port}`,
          close: () => new Promise<void>((done) => server.close(() => done())),
        })
      })
    })
  },
  { realPort: true, cases: ['concurrency'] },
)
