import { MemoryStore } from '@tessera/core'

/** How a {@link faultyStore} answers: normally, by rejecting, or never. */
export type StoreFault = 'ok' | 'reject' | 'hang'

/**
 * A `MemoryStore` whose record operations can be switched to reject (as a driver does
 * when the server is down) or to hang (a network partition), and back.
 */
export function faultyStore(): { store: MemoryStore; mode: { value: StoreFault } } {
  const store = new MemoryStore()
  const mode = { value: 'ok' as StoreFault }
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
