// Smoke test of the bench machinery, not of performance: no timing thresholds here.
import { afterEach, describe, expect, it } from 'vitest'
import { measure, problems } from '../lib/measure.js'
import { openSession, prepareRequest, readEcho } from '../lib/session.js'
import { type RunningServer, spawnServer } from '../lib/spawn-server.js'
import { targetById } from '../lib/targets.js'

describe('bench smoke', () => {
  let server: RunningServer | undefined

  afterEach(async () => {
    await server?.stop()
    server = undefined
  })

  it('measures node:http in a child process with only 2xx responses, then stops it', async () => {
    server = await spawnServer(targetById('node-http').file)
    const request = await prepareRequest(server.url, false)
    expect(request).toEqual({ headers: {}, expectBody: '{"user":"bench"}' })

    const m = await measure({ ...request, url: `${server.url}/`, durationSeconds: 1 })
    expect(m.requestsPerSecond).toBeGreaterThan(0)
    expect(m.non2xx).toBe(0)
    expect(problems(m)).toEqual([])

    const { url } = server
    await server.stop()
    await expect(fetch(url)).rejects.toThrow()
  })

  it('logs in to express-session and measures requests that carry the live session', async () => {
    server = await spawnServer(targetById('express-session').file)
    const cookie = await openSession(server.url)
    expect(cookie).toMatch(/^connect\.sid=/)
    expect(await readEcho(server.url, cookie)).toEqual({ status: 200, body: '{"user":"bench"}' })
    expect(await readEcho(server.url)).toEqual({ status: 200, body: '{"user":null}' })

    const request = await prepareRequest(server.url, true)
    expect(request.expectBody).toBe('{"user":"bench"}')
    const m = await measure({ ...request, url: `${server.url}/`, durationSeconds: 1 })
    expect(m.requestsPerSecond).toBeGreaterThan(0)
    expect(m.non2xx).toBe(0)
    expect(problems(m)).toEqual([])
  })
})
