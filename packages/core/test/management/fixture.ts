import {
  type AuditEvent,
  AuditTrail,
  type AuthUser,
  type CommitResult,
  getSessionUser,
  MemoryStore,
  type PasswordHasher,
  type Session,
  SessionManagement,
  type SessionManagementOptions,
  SessionManager,
  type UserProvider,
} from '@tessera/core'
import { ManualClock } from '@tessera/testing'
import { SECRET, T0 } from '../support/harness.js'

/** A transparent "hasher": these tests are about sessions, not password cost. */
export const plainHasher: PasswordHasher = {
  hash: async (p) => `plain$${p}`,
  verify: async (p, e) => ({ valid: e === `plain$${p}`, needsRehash: false }),
}

/** An in-memory user table with the two users the tests log in as. */
export function userTable() {
  const byId = new Map<string, AuthUser>([
    ['1', { id: '1', username: 'ada', passwordHash: 'plain$ada-pw' }],
    ['2', { id: '2', username: 'bob', passwordHash: 'plain$bob-pw' }],
  ])
  const users: UserProvider = {
    findByUsername: async (name) => {
      const user = [...byId.values()].find((u) => u.username === name)
      return user ? { ...user } : null
    },
    findById: async (id) => {
      const user = byId.get(id)
      return user ? { ...user } : null
    },
    replacePasswordHash: async (id, previous, hash) => {
      const user = byId.get(id)
      if (user?.passwordHash !== previous) return false
      user.passwordHash = hash
      return true
    },
  }
  return { users, byId }
}

/** One "device": a User-Agent and an address, and the session cookie it holds. */
export interface Device {
  userAgent: string
  ip: string
  cookie?: string
}

export const LAPTOP =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'
export const PHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1'
export const DESKTOP =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0'

/**
 * A manager, a memory store and `SessionManagement` on one frozen clock, with an audit
 * trail collecting into `events`, and helpers to act as a device.
 */
export function setup(options: Partial<SessionManagementOptions<AuthUser>> = {}) {
  const clock = new ManualClock(T0)
  const store = new MemoryStore({ clock: clock.now })
  const manager = new SessionManager({ store, secret: SECRET, clock: clock.now })
  const { users, byId } = userTable()
  const events: AuditEvent[] = []
  const audit = new AuditTrail({ keys: manager.keys, sink: { write: (e) => void events.push(e) } })
  const management = new SessionManagement({
    store,
    users,
    hasher: plainHasher,
    audit,
    clock: clock.now,
    ...options,
  })

  /** One request from `device`: its cookie in, the new cookie (if any) kept. */
  async function act<T>(device: Device, use: (session: Session) => Promise<T>): Promise<T> {
    const session = manager.open({
      cookie: device.cookie,
      secure: false,
      userAgent: device.userAgent,
      ip: device.ip,
    })
    const result = await use(session)
    keepCookie(device, await manager.commit(session))
    return result
  }

  /** Logs `username` in on a new device and returns it. */
  async function loginDevice(username: string, userAgent = LAPTOP, ip = '192.0.2.10') {
    const device: Device = { userAgent, ip }
    await act(device, async (s) => {
      const user = await management.authenticate(username, `${username}-pw`, ip)
      if (!user) throw new Error(`cannot log in as ${username}`)
      await management.login(s, user, ip)
    })
    return device
  }

  /** The user id the device's session is logged in as (through getSessionUser's checks). */
  const whoami = (device: Device) =>
    act(device, async (s) => (await getSessionUser(s, users))?.id ?? null)

  return { clock, store, manager, users, byId, events, audit, management, act, loginDevice, whoami }
}

function keepCookie(device: Device, result: CommitResult): void {
  for (const header of result.setCookie) {
    const [pair = ''] = header.split(';')
    if (!pair.startsWith('sessionid=')) continue
    if (/max-age=0/i.test(header)) delete device.cookie
    else device.cookie = pair
  }
}
