import {
  type CommitResult,
  MemoryStore,
  type Session,
  SessionManager,
  type SessionManagerOptions,
} from '@tessera/core'
import { ManualClock } from '@tessera/testing'
import { spyStore } from './spy-store.js'

export const SECRET = 'test-secret-test-secret-test-secret-0123'
export const T0 = Date.UTC(2026, 10, 22, 12, 0, 0)

/** A manager over a spied memory store, both on one frozen clock. */
export function harness(options: Partial<SessionManagerOptions> = {}) {
  const clock = new ManualClock(T0)
  const store = spyStore(new MemoryStore({ clock: clock.now }))
  const manager = new SessionManager({ store, secret: SECRET, clock: clock.now, ...options })
  return { clock, store, manager }
}

/** Runs one "request": opens the session with `cookie`, lets `use` work on it, commits. */
export async function request(
  manager: SessionManager,
  cookie: string | undefined,
  use: (session: Session) => Promise<void> | void,
): Promise<CommitResult> {
  const session = manager.open({ cookie, secure: false })
  await use(session)
  return manager.commit(session)
}

/** The `name=value` pair of the first Set-Cookie, ready to send back as a Cookie header. */
export function cookieFrom(result: CommitResult, name = 'sessionid'): string {
  const header = result.setCookie.find((c) => c.startsWith(`${name}=`))
  if (!header) throw new Error(`no ${name} cookie was set`)
  return header.split(';')[0] as string
}

export function attributes(header: string): Map<string, string> {
  const map = new Map<string, string>()
  for (const part of header.split(';').slice(1)) {
    const [k, v = ''] = part.trim().split('=')
    map.set((k as string).toLowerCase(), v)
  }
  return map
}
