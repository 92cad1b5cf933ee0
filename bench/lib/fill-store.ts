import type { SessionRecord, SessionStore } from '@tessera/core'
import { scaleRecord } from './scale-record.js'
import { createMany } from './scale-result.js'

/**
 * Creates `sessions` copies of `template` in `store` through its `create` (as logins do),
 * `inFlight` at a time, created at `createdAt`; with `lifeMs` each one expires that long
 * after it was created (both the idle and the absolute expiry). Each copy has its own id
 * and credential whatever its user.
 */
export async function fillStore(
  store: Pick<SessionStore, 'create'>,
  template: SessionRecord,
  options: {
    sessions: number
    createdAt: number
    inFlight: number
    label: string
    lifeMs?: number
    /** Spread the sessions over this many users (`scale-user-<i % users>`). @default sessions */
    users?: number
  },
): Promise<void> {
  const { sessions, createdAt, inFlight, label, lifeMs, users = sessions } = options
  await createMany(
    sessions,
    inFlight,
    async (i) => {
      const record = scaleRecord(template, i % users, createdAt)
      if (lifeMs !== undefined) {
        record.idleExpiresAt = createdAt + lifeMs
        record.absoluteExpiresAt = createdAt + lifeMs
      }
      if (!(await store.create(record))) throw new Error('a fresh session id already existed')
    },
    label,
  )
}
