// The bench's child-process helper, through its public entry point and a real server.
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { spawnServer } from '../lib/spawn-server.js'
import { targetById } from '../lib/targets.js'

const loudExit = fileURLToPath(new URL('./lib/loud-exit-preload.mjs', import.meta.url))

describe('spawnServer', () => {
  it('hands onStdout everything the child printed before stop() resolves', async () => {
    let printed = ''
    const server = await spawnServer(targetById('node-http').file, {
      nodeFlags: [`--import=${loudExit}`],
      onStdout: (chunk) => {
        printed += chunk
      },
    })
    await server.stop()
    const lines = printed.split('\n')
    expect(lines.filter((line) => line.startsWith('line ')).length).toBe(4000)
    expect(lines).toContain('the end')
    await server.stop() // safe to call twice
  })
})
