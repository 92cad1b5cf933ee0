import { AsyncLocalStorage } from 'node:async_hooks'
import { SessionManager, type SessionStore } from '@tessera/core'
import { expect } from 'vitest'

const SECRET = 'hundred-writers-secret-hundred-writers-01'

/**
 * 100 requests carrying the same cookie each set their own key and commit at once; the
 * manager's compare-and-set retries must land every one. Reports the retries it took.
 */
export async function hundredWriters(store: SessionStore, label: string): Promise<void> {
  const retries = new AsyncLocalStorage<{ conflicts: number }>()
  const counting: SessionStore = {
    get: (id) => store.get(id),
    create: (r) => store.create(r),
    update: async (r, v) => {
      const result = await store.update(r, v)
      const count = retries.getStore()
      if (result === 'conflict' && count) count.conflicts++
      return result
    },
    touch: (id, seen, idle, version) => store.touch(id, seen, idle, version),
    delete: (id) => store.delete(id),
    listByUser: (u) => store.listByUser(u),
    deleteByUser: (u, e) => store.deleteByUser(u, e),
    deleteExpired: () => store.deleteExpired(),
  }
  const manager = new SessionManager({ store: counting, secret: SECRET, maxConflictRetries: 128 })
  const first = manager.open({ cookie: undefined, secure: false })
  await first.set('start', true)
  const cookie = ((await manager.commit(first)).setCookie[0] as string).split(';')[0] as string

  const sessions = Array.from({ length: 100 }, () => manager.open({ cookie, secure: false }))
  await Promise.all(sessions.map((s, i) => s.set(`k${i}`, i)))
  const conflicts = await Promise.all(
    sessions.map(async (s) => {
      const count = { conflicts: 0 }
      await retries.run(count, () => manager.commit(s))
      return count.conflicts
    }),
  )

  const check = manager.open({ cookie, secure: false })
  const data = await check.data()
  expect(Object.keys(data)).toHaveLength(101)
  for (let i = 0; i < 100; i++) expect(data[`k${i}`]).toBe(i)
  const total = conflicts.reduce((a, b) => a + b, 0)
  console.info(
    `[${label}] 100 writers: ${total} conflicts in all, at most ${Math.max(...conflicts)} retries for one commit`,
  )
}
