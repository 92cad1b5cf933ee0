import { type AuditEvent, AuditTrail, type SessionEvent } from '@tessera/core'
import { describe, expect, it } from 'vitest'
import { loginAndLoad, setup as sharedSetup, TestBrowser } from '../shared/support.js'
import { T0 } from '../support/harness.js'
import { LAPTOP, PHONE, setup } from './fixture.js'

describe('the audit trail', () => {
  it('records login, loginFailed, reauthenticated, revoke, passwordChanged and logout, in order', async () => {
    const { act, loginDevice, management, audit, events, clock } = setup({ freshAge: 60 })
    expect(await management.authenticate('ada', 'wrong', '192.0.2.66')).toBeNull()
    const laptop = await loginDevice('ada', LAPTOP, '192.0.2.10')
    const phone = await loginDevice('ada', PHONE, '198.51.100.7')
    clock.advance(61_000)
    await act(laptop, (s) => management.reauthenticate(s, 'ada-pw'))
    const phoneId = (await act(laptop, (s) => management.list(s))).find((r) => !r.current)?.id
    await act(laptop, (s) => management.revoke(s, phoneId as string))
    await act(laptop, (s) => management.changePassword(s, 'ada-pw', 'ada-new'))
    await act(laptop, (s) => management.logout(s))
    await audit.flush()
    expect(events.map((e) => [e.type, e.reason, e.count])).toEqual([
      ['loginFailed', 'invalidCredentials', undefined],
      ['login', undefined, undefined],
      ['login', undefined, undefined],
      ['reauthenticated', undefined, undefined],
      ['revoke', 'one', 1],
      ['passwordChanged', undefined, 0],
      ['logout', undefined, undefined],
    ])
    expect(events[0]).toEqual({
      type: 'loginFailed',
      at: T0,
      username: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      client: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      reason: 'invalidCredentials',
    })
    // One user, one hash; the laptop's events share a session hash, the phone's differs.
    const [, laptopLogin, phoneLogin, reauth, revoke, changed, out] = events as AuditEvent[]
    expect(new Set(events.slice(1).map((e) => e.user)).size).toBe(1)
    expect(laptopLogin?.session).toBe(out?.session)
    expect(reauth?.session).toBe(laptopLogin?.session)
    expect(changed?.session).toBe(laptopLogin?.session)
    expect(revoke?.session).toBe(phoneLogin?.session)
    expect(phoneLogin?.session).not.toBe(laptopLogin?.session)
    void phone
  })

  it('hashes sessions exactly as the manager’s own events do, so the two logs correlate', async () => {
    const { manager, loginDevice, audit, events } = setup()
    const created: SessionEvent[] = []
    manager.on('created', (e) => created.push(e))
    await loginDevice('ada')
    await manager.settled()
    await audit.flush()
    expect(created).toHaveLength(1)
    expect(events[0]?.type).toBe('login')
    expect(events[0]?.session).toBe((created[0] as { session: string }).session)
  })

  it('carries no raw id, credential, username or address (grep every value issued)', async () => {
    const { act, loginDevice, management, audit, events, store } = setup()
    await management.authenticate('mallory', 'guess', '203.0.113.99')
    const laptop = await loginDevice('ada', LAPTOP, '192.0.2.10')
    const phone = await loginDevice('ada', PHONE, '198.51.100.7')
    const token = await act(laptop, (s) => s.getSessionToken())
    const ids = (await store.listByUser('1')).map((r) => r.id)
    await act(laptop, (s) => management.revokeOthers(s))
    await act(laptop, (s) => management.changePassword(s, 'ada-pw', 'ada-new'))
    await management.endUserSessions('1')
    await audit.flush()
    const log = events.map((e) => JSON.stringify(e)).join('\n')
    const credentials = [laptop.cookie, phone.cookie, `sessionid=${token}`].flatMap((c) => {
      const value = (c as string).split('=')[1] as string
      return [value, ...value.split('.')]
    })
    const issued = [
      ...credentials,
      ...ids,
      '1',
      'ada',
      'mallory',
      '192.0.2.10',
      '198.51.100.7',
      '203.0.113.99',
    ]
    expect(ids).toHaveLength(2)
    for (const value of issued) {
      // Hashes are base64url, so a short value like "1" could occur inside one by chance:
      // check whole JSON values for those, substrings for the long ones.
      if (value.length < 8) expect(log).not.toContain(`"${value}"`)
      else expect(log).not.toContain(value)
    }
    expect(events.map((e) => e.type)).toContain('revoke')
  })

  it('forwards the manager’s events by name (sessionReplaced by default) with their hashed ids', async () => {
    const { manager, act, loginDevice, management, events, audit } = setup()
    const trail = new AuditTrail({
      keys: manager.keys,
      sink: { write: (e) => void events.push(e) },
    })
    const stop = trail.watch(manager, ['destroyed', 'sessionReplaced'])
    const laptop = await loginDevice('ada')
    await act(laptop, (s) => management.logout(s))
    await manager.settled()
    await Promise.all([trail.flush(), audit.flush()])
    const destroyed = events.find((e) => e.type === 'destroyed')
    const logout = events.find((e) => e.type === 'logout')
    expect(destroyed).toEqual({
      type: 'destroyed',
      at: T0,
      session: logout?.session,
      reason: 'flush',
    })
    stop()
  })

  it('forwards a real sessionReplaced (shared sessions) with its origins and the hashed session only', async () => {
    const { app, manager } = sharedSetup({ alwaysReplace: true })
    const lines: AuditEvent[] = []
    const trail = new AuditTrail({ keys: manager.keys, sink: { write: (e) => void lines.push(e) } })
    trail.watch(manager)
    const raw: SessionEvent[] = []
    manager.on('sessionReplaced', (e) => raw.push(e))
    const browser = new TestBrowser()
    await browser.fetch(app, 'http://b.test/anon', { method: 'POST' })
    const [url] = await loginAndLoad(app, browser)
    expect((await browser.script(app, url as string)).status).toBe(200)
    await manager.settled()
    await trail.flush()
    expect(raw).toHaveLength(1)
    expect(lines).toEqual([{ ...raw[0] }])
    expect(lines[0]).toMatchObject({
      type: 'sessionReplaced',
      source: 'http://a.test',
      destination: 'http://b.test',
      via: 'script',
    })
    const cookies = [...browser.jar.values()].flatMap((jar) =>
      [...jar.values()].map((c) => c.value),
    )
    const log = JSON.stringify(lines)
    for (const value of cookies.flatMap((v) => [v, ...v.split('.')]))
      expect(log).not.toContain(value)
  })

  it('a failing sink loses one event, reports it, and never fails the request', async () => {
    const { manager, act, loginDevice } = setup()
    const errors: unknown[] = []
    const written: string[] = []
    let fail = true
    const trail = new AuditTrail({
      keys: manager.keys,
      sink: {
        write: async (e) => {
          if (fail) {
            fail = false
            throw new Error('disk full')
          }
          written.push(e.type)
        },
      },
      onError: (e) => errors.push(e),
    })
    trail.record({ type: 'login', at: T0, userId: '1' })
    trail.record({ type: 'logout', at: T0, userId: '1' })
    await trail.flush()
    expect(errors).toHaveLength(1)
    expect(written).toEqual(['logout'])
    const laptop = await loginDevice('ada')
    expect(await act(laptop, (s) => s.getUserId())).toBe('1')
  })
})
