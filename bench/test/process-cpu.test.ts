import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { processCpuSeconds } from '../lib/process-cpu.js'

describe.skipIf(process.platform !== 'linux')('processCpuSeconds (reads /proc, Linux only)', () => {
  it('counts the CPU a process burns', () => {
    const before = processCpuSeconds(process.pid)
    expect(before).toBeGreaterThanOrEqual(0)
    const until = Date.now() + 300
    let spins = 0
    while (Date.now() < until) spins++
    expect(spins).toBeGreaterThan(0)
    const after = processCpuSeconds(process.pid) as number
    // 300 ms of spinning: at least 0.2 s of CPU whatever the tick.
    expect(after - (before as number)).toBeGreaterThanOrEqual(0.2)
  })

  it('reads a process whose name holds spaces and a closing parenthesis', async () => {
    // The name in /proc/<pid>/stat is "(a) b c)": the fields start after the last ')'.
    const child = spawn(
      process.execPath,
      ['-e', "process.title = 'a) b c'; const t = Date.now() + 10000; while (Date.now() < t);"],
      { stdio: 'ignore' },
    )
    try {
      const comm = `/proc/${child.pid}/comm`
      const deadline = Date.now() + 10_000
      while (readFileSync(comm, 'latin1') !== 'a) b c\n' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      expect(readFileSync(comm, 'latin1')).toBe('a) b c\n')
      const first = processCpuSeconds(child.pid as number) as number
      await new Promise((resolve) => setTimeout(resolve, 300))
      const second = processCpuSeconds(child.pid as number) as number
      expect(first).toBeGreaterThanOrEqual(0)
      // 300 ms of the child spinning, read through the odd name.
      expect(second - first).toBeGreaterThanOrEqual(0.1)
    } finally {
      child.kill()
      await once(child, 'exit')
    }
  })

  it('answers undefined for a process that is gone', async () => {
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
    await once(child, 'exit')
    expect(processCpuSeconds(child.pid as number)).toBeUndefined()
  })
})
