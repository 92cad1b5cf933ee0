import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SqliteRateLimitStore } from '@tessera/store-sqlite'
import { describeRateLimitStore } from '@tessera/testing'
import { afterAll, expect, it } from 'vitest'

const dir = mkdtempSync(join(tmpdir(), 'tessera-rl-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describeRateLimitStore('sqlite (memory db)', () => new SqliteRateLimitStore({ path: ':memory:' }))
describeRateLimitStore(
  'sqlite (file)',
  () => new SqliteRateLimitStore({ path: join(dir, `${Math.random()}.db`) }),
)

it('two stores on one file share their counters (as two app instances would)', async () => {
  const path = join(dir, 'shared.db')
  const a = new SqliteRateLimitStore({ path })
  const b = new SqliteRateLimitStore({ path })
  const now = Date.now()
  await a.hit('k', 60_000, now)
  await b.hit('k', 60_000, now)
  expect((await a.peek('k', now))?.count).toBe(2)
  await a.close()
  await b.close()
})
