import { MemoryStore } from '@tessera/core'
import { describe, expect, it } from 'vitest'
import { sessionCookie, testApp } from './app.js'
import { listen } from './server.js'

/** A memory store that can be switched into failing or hanging. */
function faultyStore() {
  const store = new MemoryStore()
  const mode = { value: 'ok' as 'ok' | 'reject' | 'hang' }
  for (const method of ['get', 'create', 'update', 'touch', 'delete'] as const) {
    const real = store[method].bind(store) as (...args: unknown[]) => Promise<unknown>
    ;(store as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
      if (mode.value === 'reject') return Promise.reject(new Error('ECONNREFUSED 127.0.0.1:6379'))
      if (mode.value === 'hang') return new Promise(() => {})
      return real(...args)
    }
  }
  return { store, mode }
}

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
