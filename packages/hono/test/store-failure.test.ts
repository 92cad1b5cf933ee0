import { MemoryStore, StoreOutageLog } from '@tessera/core'
import { storeErrorHandler } from '@tessera/hono'
import { faultyStore } from '@tessera/testing'
import { HTTPException } from 'hono/http-exception'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { sessionCookie, testApp } from './app.js'
import { listen } from './server.js'

describe.each(['reject', 'hang'] as const)('a store that starts to %s', (fault) => {
  it('answers 503 JSON within the timeout, then serves again once the store is back', async () => {
    const { store, mode } = faultyStore()
    const { app } = testApp(store, { storeTimeout: 200 })
    const server = await listen(app)
    try {
      const cookie = sessionCookie(
        await fetch(`${server.url}/set/a`, { method: 'POST', body: '1' }),
      )
      mode.value = fault
      const started = Date.now()
      const [read, write, create] = await Promise.all([
        fetch(`${server.url}/get/a`, { headers: { cookie } }),
        fetch(`${server.url}/set/b`, { method: 'POST', body: '2', headers: { cookie } }),
        fetch(`${server.url}/set/c`, { method: 'POST', body: '3' }),
      ])
      const elapsed = Date.now() - started
      for (const res of [read, write, create]) {
        expect(res.status).toBe(503)
        expect(res.headers.get('content-type')).toMatch(/^application\/json/)
        const body = (await res.json()) as { code: string; detail: string }
        expect(body.code).toBe(fault === 'hang' ? 'STORE_TIMEOUT' : 'STORE_UNAVAILABLE')
        expect(JSON.stringify(body)).not.toContain('6379')
        expect(res.headers.getSetCookie()).toEqual([])
      }
      // Generous bound: the point is "bounded by the timeout", not a timing benchmark.
      expect(elapsed).toBeLessThan(5000)
      expect((await fetch(`${server.url}/static`)).status).toBe(200)
      mode.value = 'ok'
      const healed = await fetch(`${server.url}/get/a`, { headers: { cookie } })
      expect(healed.status).toBe(200)
      expect(await healed.json()).toEqual({ value: 1 })
    } finally {
      mode.value = 'ok'
      await server.close()
    }
  })
})

describe('storeErrorHandler()', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('answers a store outage 503 without a stack per request; the outage log writes one line', async () => {
    // Hono's default onError prints through console.error: count what reaches it.
    const printed = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const lines: string[] = []
    const { store, mode } = faultyStore()
    const { app } = testApp(store, {
      storeOutageLog: new StoreOutageLog({ write: (l) => lines.push(l) }),
    })
    app.onError(storeErrorHandler())
    app.get('/boom', () => {
      throw new Error('a bug')
    })
    app.get('/teapot', () => {
      throw new HTTPException(418, { message: 'short and stout' })
    })
    const cookie = sessionCookie(await app.request('/set/a', { method: 'POST', body: '1' }))
    mode.value = 'reject'
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => app.request('/get/a', { headers: { cookie } })),
    )
    for (const res of answers) {
      expect(res.status).toBe(503)
      expect(((await res.json()) as { code: string }).code).toBe('STORE_UNAVAILABLE')
    }
    expect(printed).not.toHaveBeenCalled()
    expect(lines).toEqual([
      'session store unavailable: STORE_UNAVAILABLE on "get"; further failures are counted',
    ])
    mode.value = 'ok'
    expect((await app.request('/get/a', { headers: { cookie } })).status).toBe(200)
    expect(lines).toHaveLength(2)

    // Anything else keeps Hono's own behaviour.
    expect((await app.request('/boom')).status).toBe(500)
    expect(printed).toHaveBeenCalledTimes(1)
    const teapot = await app.request('/teapot')
    expect(teapot.status).toBe(418)
    expect(await teapot.text()).toBe('short and stout')
  })

  it('hands other errors to the fallback it was given', async () => {
    const { app } = testApp(new MemoryStore())
    app.onError(storeErrorHandler((error, c) => c.json({ seen: error.message }, 500)))
    app.get('/boom', () => {
      throw new Error('a bug')
    })
    const res = await app.request('/boom')
    expect(res.status).toBe(500)
    expect(await res.json()).toEqual({ seen: 'a bug' })
  })
})
