import type { SessionStore } from '@tessera/core'

/** Wraps a store and records every method call, to prove what was (not) called. */
export function spyStore<S extends SessionStore>(store: S): S & { calls: string[] } {
  const calls: string[] = []
  const proxy = new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'calls') return calls
      const value = Reflect.get(target, prop, receiver)
      if (typeof value !== 'function') return value
      return (...args: unknown[]) => {
        calls.push(String(prop))
        return value.apply(target, args)
      }
    },
  })
  return proxy as S & { calls: string[] }
}
