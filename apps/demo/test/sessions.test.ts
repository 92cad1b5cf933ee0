import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AuditTrail } from '@tessera/core'
import { ManualClock } from '@tessera/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { JsonLinesFileSink } from '../src/audit-file-sink.js'
import { Client } from './client.js'
import { ADAPTERS, demo } from './fixture.js'

interface Row {
  id: string
  current: boolean
  label: string
  ip: string | null
  createdAt: string
  lastSeenAt: string
}

const CHROME =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'
const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0'

/** A browser with its own User-Agent, logged in as admin. */
async function browserAs(app: Client['app'], userAgent: string, password = 'admin') {
  const client = new Client(app)
  const headers = { 'user-agent': userAgent }
  await client.request('/api/csrf/', { headers })
  const res = await client.request('/api/login/', {
    json: { username: 'admin', password },
    headers,
  })
  expect(res.status).toBe(200)
  return client
}

const sessionsOf = async (client: Client) => {
  const res = await client.request('/api/sessions/')
  expect(res.status).toBe(200)
  return (await res.json()) as { sessions: Row[]; fresh: boolean }
}
const whoami = async (client: Client) =>
  ((await (await client.request('/api/me/')).json()) as { user: { username: string } | null }).user
    ?.username ?? null

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe.each(ADAPTERS)('your sessions API on %s', (adapter) => {
  it('lists the user’s sessions with browser/OS, created and last seen, the current one first', async () => {
    const { app } = await demo(adapter)
    const laptop = await browserAs(app, CHROME)
    const desktop = await browserAs(app, FIREFOX)
    const { sessions, fresh } = await sessionsOf(laptop)
    expect(fresh).toBe(true)
    expect(sessions.map((s) => [s.label, s.current])).toEqual([
      ['Chrome 131 on Linux', true],
      ['Firefox 133 on Windows 10/11', false],
    ])
    for (const s of sessions) {
      expect(s.id).toMatch(/^[A-Za-z0-9_-]{22}$/)
      expect(Date.parse(s.createdAt)).not.toBeNaN()
      expect(Date.parse(s.lastSeenAt)).not.toBeNaN()
    }
    // The ids shown are public: nothing of either browser's cookie.
    const body = JSON.stringify(sessions)
    for (const client of [laptop, desktop]) {
      for (const part of (client.cookie('sessionid') as string).split('.')) {
        expect(body).not.toContain(part)
      }
    }
    expect((await sessionsOf(desktop)).sessions.find((s) => s.current)?.label).toBe(
      'Firefox 133 on Windows 10/11',
    )
    expect((await new Client(app).request('/api/sessions/')).status).toBe(401)
  })

  it('DELETE /api/sessions/<id>/ logs the other browser out at its next request', async () => {
    const { app } = await demo(adapter)
    const laptop = await browserAs(app, CHROME)
    const desktop = await browserAs(app, FIREFOX)
    const other = (await sessionsOf(laptop)).sessions.find((s) => !s.current) as Row
    const res = await laptop.request(`/api/sessions/${other.id}/`, { method: 'DELETE' })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ detail: 'Session revoked.', current: false })
    expect(await whoami(desktop)).toBeNull()
    expect((await desktop.request('/api/hello/')).status).toBe(401)
    expect(await whoami(laptop)).toBe('admin')
    expect((await sessionsOf(laptop)).sessions).toHaveLength(1)
    // Gone now; unknown and malformed ids are 404 too.
    for (const id of [other.id, 'A'.repeat(22), 'nope', '%2e%2e']) {
      expect((await laptop.request(`/api/sessions/${id}/`, { method: 'DELETE' })).status).toBe(404)
    }
  })

  it('revoking needs the CSRF token like every unsafe request', async () => {
    const { app } = await demo(adapter)
    const laptop = await browserAs(app, CHROME)
    const desktop = await browserAs(app, FIREFOX)
    const other = (await sessionsOf(laptop)).sessions.find((s) => !s.current) as Row
    const forged = await laptop.request(`/api/sessions/${other.id}/`, {
      method: 'DELETE',
      csrf: false,
      headers: { origin: 'http://demo.test' },
    })
    expect(forged.status).toBe(403)
    const revokeOthers = await laptop.request('/api/sessions/revoke-others/', {
      method: 'POST',
      headers: { origin: 'https://evil.test' },
    })
    expect(revokeOthers.status).toBe(403)
    expect(await whoami(desktop)).toBe('admin')
  })

  it('revoke-others requires a fresh login; re-entering the password makes it fresh', async () => {
    const clock = new ManualClock(Date.UTC(2026, 11, 1, 12))
    const { app } = await demo(adapter, { clock: clock.now, freshAge: 300 })
    const laptop = await browserAs(app, CHROME)
    const desktop = await browserAs(app, FIREFOX)
    clock.advance(300_000)
    expect((await sessionsOf(laptop)).fresh).toBe(false)
    const stale = await laptop.request('/api/sessions/revoke-others/', { method: 'POST' })
    expect(stale.status).toBe(403)
    expect(await stale.json()).toEqual({
      detail: 'Signing out other sessions needs a recent login. Enter your password again.',
      code: 'reauthentication_required',
    })
    expect(await whoami(desktop)).toBe('admin')

    const wrong = await laptop.request('/api/reauthenticate/', { json: { password: 'nope' } })
    expect(wrong.status).toBe(400)
    expect(await wrong.json()).toEqual({ detail: 'Wrong password.', code: 'invalid_password' })
    const before = laptop.cookie('sessionid')
    const ok = await laptop.request('/api/reauthenticate/', { json: { password: 'admin' } })
    expect(ok.status).toBe(200)
    expect(laptop.cookie('sessionid')).not.toBe(before)

    const done = await laptop.request('/api/sessions/revoke-others/', { method: 'POST' })
    expect(done.status).toBe(200)
    expect(await done.json()).toEqual({ revoked: 1 })
    expect(await whoami(desktop)).toBeNull()
    expect(await whoami(laptop)).toBe('admin')
  })

  it('revoking another session one at a time needs a fresh login too; revoking this one does not', async () => {
    const clock = new ManualClock(Date.UTC(2026, 11, 1, 12))
    const { app } = await demo(adapter, { clock: clock.now, freshAge: 300 })
    const laptop = await browserAs(app, CHROME)
    const desktop = await browserAs(app, FIREFOX)
    clock.advance(300_000)
    const { sessions } = await sessionsOf(laptop)
    const other = sessions.find((s) => !s.current) as Row
    const stale = await laptop.request(`/api/sessions/${other.id}/`, { method: 'DELETE' })
    expect(stale.status).toBe(403)
    expect(await stale.json()).toEqual({
      detail: 'Signing out another session needs a recent login. Enter your password again.',
      code: 'reauthentication_required',
    })
    expect(await whoami(desktop)).toBe('admin')
    // An id that is none of this user's sessions is still a 404, fresh or not.
    const unknown = await laptop.request(`/api/sessions/${'A'.repeat(22)}/`, { method: 'DELETE' })
    expect(unknown.status).toBe(404)

    expect(
      (await laptop.request('/api/reauthenticate/', { json: { password: 'admin' } })).status,
    ).toBe(200)
    const done = await laptop.request(`/api/sessions/${other.id}/`, { method: 'DELETE' })
    expect(await done.json()).toEqual({ detail: 'Session revoked.', current: false })
    expect(await whoami(desktop)).toBeNull()

    // Ending its own session is a logout: no password, however old the login.
    clock.advance(300_000)
    const own = (await sessionsOf(laptop)).sessions.find((s) => s.current) as Row
    const logout = await laptop.request(`/api/sessions/${own.id}/`, { method: 'DELETE' })
    expect(await logout.json()).toEqual({ detail: 'Session revoked.', current: true })
    expect(await whoami(laptop)).toBeNull()
  })

  it('POST /api/password/ ends the other sessions and keeps the current one', async () => {
    const { app } = await demo(adapter)
    const laptop = await browserAs(app, CHROME)
    const desktop = await browserAs(app, FIREFOX)
    const third = await browserAs(app, CHROME)
    const change = (json: unknown, init: RequestInit = {}) =>
      laptop.request('/api/password/', { json, ...init })

    expect((await change({ oldPassword: 'nope', newPassword: 'correct horse' })).status).toBe(400)
    expect((await change({ oldPassword: 'admin', newPassword: 'short' })).status).toBe(400)
    expect((await change({ oldPassword: 'admin' })).status).toBe(400)
    const asText = await laptop.request('/api/password/', {
      body: JSON.stringify({ oldPassword: 'admin', newPassword: 'correct horse' }),
      headers: { 'content-type': 'text/plain' },
    })
    expect(asText.status).toBe(415)
    expect(await whoami(desktop)).toBe('admin')

    const before = laptop.cookie('sessionid')
    const res = await change({ oldPassword: 'admin', newPassword: 'correct horse' })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ detail: 'Password changed.', ended: 2 })
    expect(laptop.cookie('sessionid')).not.toBe(before)
    expect(await whoami(laptop)).toBe('admin')
    expect(await whoami(desktop)).toBeNull()
    expect(await whoami(third)).toBeNull()
    expect((await new Client(app).login('admin', 'admin')).status).toBe(401)
    expect((await new Client(app).login('admin', 'correct horse')).status).toBe(200)
  })

  it('a login beyond the per-user cap evicts the oldest session', async () => {
    const clock = new ManualClock(Date.UTC(2026, 11, 1, 12))
    const { app } = await demo(adapter, { clock: clock.now, maxSessionsPerUser: 2 })
    const first = await browserAs(app, CHROME)
    clock.advance(1000)
    const second = await browserAs(app, FIREFOX)
    clock.advance(1000)
    const third = await browserAs(app, CHROME)
    expect(await whoami(first)).toBeNull()
    expect(await whoami(second)).toBe('admin')
    expect(await whoami(third)).toBe('admin')
    expect((await sessionsOf(third)).sessions).toHaveLength(2)
  })

  it('40 concurrent logins of one user leave exactly the cap of 10 live sessions', async () => {
    const { app, store, admin } = await demo(adapter)
    const browsers = Array.from({ length: 40 }, () => new Client(app))
    // Each from its own address, so the throttle's per-client limits do not interfere.
    const answers = await Promise.all(
      browsers.map(async (browser, i) => {
        const headers = { 'x-test-client': `198.51.100.${i + 1}` }
        await browser.request('/api/csrf/', { headers })
        return browser.request('/api/login/', {
          json: { username: 'admin', password: 'admin' },
          headers,
        })
      }),
    )
    expect(answers.map((r) => r.status)).toEqual(answers.map(() => 200))
    expect(await store.listByUser(admin.id)).toHaveLength(10)
    const signedIn = await Promise.all(browsers.map((b) => whoami(b)))
    expect(signedIn.filter((u) => u === 'admin')).toHaveLength(10)
  })

  it('disabling a user ends all of their sessions at once', async () => {
    const { app, users, admin, management, store } = await demo(adapter)
    const laptop = await browserAs(app, CHROME)
    await browserAs(app, FIREFOX)
    await users.setActive(admin.id, false)
    expect(await management.endUserSessions(admin.id)).toBe(2)
    expect(await store.listByUser(admin.id)).toEqual([])
    expect((await laptop.request('/api/hello/')).status).toBe(401)
  })
})

describe('the audit log (JSON lines under DATA_DIR)', () => {
  it('records every action and contains no credential, token, session id or user id', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-audit-'))
    dirs.push(dir)
    const file = join(dir, 'audit.jsonl')
    let trail: AuditTrail | undefined
    const { app, store, admin, manager } = await demo('hono', {
      audit: (manager) => {
        trail = new AuditTrail({ keys: manager.keys, sink: new JsonLinesFileSink(file) })
        trail.watch(manager, ['sessionReplaced', 'destroyed'])
        return trail
      },
    })
    const issued = new Set<string>()
    const collect = (client: Client) => {
      for (const value of client.jar.values()) {
        issued.add(value)
        for (const part of value.split('.')) issued.add(part)
      }
    }
    const sessionIds = async () => {
      for (const r of await store.listByUser(admin.id)) issued.add(r.id)
    }

    expect((await new Client(app).login('admin', 'wrong')).status).toBe(401)
    const laptop = await browserAs(app, CHROME)
    const desktop = await browserAs(app, FIREFOX)
    collect(laptop)
    collect(desktop)
    // A header token is a credential too.
    const tokenRes = await laptop.request('/api/session-token/')
    const { sessionToken } = (await tokenRes.json()) as { sessionToken: string }
    issued.add(sessionToken)
    for (const part of sessionToken.split('.')) issued.add(part)
    await sessionIds()
    const other = (await sessionsOf(laptop)).sessions.find((s) => !s.current) as Row
    await laptop.request(`/api/sessions/${other.id}/`, { method: 'DELETE' })
    await laptop.request('/api/reauthenticate/', { json: { password: 'admin' } })
    collect(laptop)
    await laptop.request('/api/sessions/revoke-others/', { method: 'POST' })
    await laptop.request('/api/password/', {
      json: { oldPassword: 'admin', newPassword: 'correct horse' },
    })
    collect(laptop)
    await sessionIds()
    await laptop.request('/api/logout/', { method: 'POST' })
    // The manager delivers its own events (destroyed) through its queue, after the response.
    await manager.settled()
    await trail?.flush()

    const log = readFileSync(file, 'utf8')
    const events = log
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string })
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining([
        'loginFailed',
        'login',
        'revoke',
        'reauthenticated',
        'passwordChanged',
        'logout',
        'destroyed',
      ]),
    )
    issued.add(admin.id)
    issued.add('admin')
    issued.add('correct horse')
    expect(issued.size).toBeGreaterThan(10)
    for (const value of issued) {
      // Hashes are base64url: a short value ("1") could appear inside one by chance, so
      // those are checked as whole JSON values; longer ones anywhere in the file.
      if (value.length < 8) expect(log).not.toContain(`"${value}"`)
      else expect(log).not.toContain(value)
    }
  })
})
