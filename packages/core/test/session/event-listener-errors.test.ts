import {
  ConfigError,
  type ListenerError,
  MemoryStore,
  SessionManager,
  TesseraError,
} from '@tessera/core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { cookieFrom, harness, request, SECRET } from '../support/harness.js'

describe('event listener errors reach onError', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('a listener that throws fails neither the request nor the other listeners; onError gets a LISTENER_FAILED error', async () => {
    const errors: ListenerError[] = []
    const { manager } = harness({ onError: (e) => errors.push(e) })
    const bug = new Error('listener bug')
    const seen: string[] = []
    manager.on('created', () => {
      throw bug
    })
    manager.on('created', (event) => {
      seen.push(event.type)
    })
    const result = await request(manager, undefined, (s) => s.set('cart', ['apple']))
    await manager.settled()
    expect(cookieFrom(result)).toMatch(/^sessionid=/)
    expect(seen).toEqual(['created'])
    expect(errors).toHaveLength(1)
    const [error] = errors
    expect(error).toBeInstanceOf(TesseraError)
    expect(error?.code).toBe('LISTENER_FAILED')
    expect(error?.eventType).toBe('created')
    expect(error?.cause).toBe(bug)
  })

  it('an async listener that rejects reaches onError too', async () => {
    const errors: ListenerError[] = []
    const { manager } = harness({ onError: (e) => errors.push(e) })
    const bug = new Error('async listener bug')
    manager.on('destroyed', async () => {
      throw bug
    })
    const cookie = cookieFrom(await request(manager, undefined, (s) => s.set('a', 1)))
    const result = await request(manager, cookie, (s) => s.flush())
    await manager.settled()
    // The rejection is reported when the listener's promise settles, a turn later.
    await new Promise((resolve) => setImmediate(resolve))
    expect(result.setCookie.some((c) => c.includes('Max-Age=0'))).toBe(true)
    expect(errors.map((e) => [e.code, e.eventType, e.cause])).toEqual([
      ['LISTENER_FAILED', 'destroyed', bug],
    ])
  })

  it('without onError the error is logged, never thrown at the request', async () => {
    const logged: unknown[] = []
    vi.spyOn(console, 'error').mockImplementation((e: unknown) => {
      logged.push(e)
    })
    const { manager } = harness()
    manager.on('created', () => {
      throw new Error('listener bug')
    })
    const result = await request(manager, undefined, (s) => s.set('a', 1))
    await manager.settled()
    expect(result.setCookie).toHaveLength(1)
    expect(logged).toHaveLength(1)
    expect(logged[0]).toMatchObject({ code: 'LISTENER_FAILED', eventType: 'created' })
  })

  it('an onError that throws itself does not fail the request', async () => {
    const { manager } = harness({
      onError: () => {
        throw new Error('onError bug')
      },
    })
    manager.on('created', () => {
      throw new Error('listener bug')
    })
    const result = await request(manager, undefined, (s) => s.set('a', 1))
    await manager.settled()
    expect(result.setCookie).toHaveLength(1)
  })

  it('onError that is not a function is refused at startup', () => {
    const make = () =>
      new SessionManager({
        store: new MemoryStore(),
        secret: SECRET,
        onError: 'log' as never,
      })
    expect(make).toThrowError(new ConfigError('onError must be a function'))
  })
})
