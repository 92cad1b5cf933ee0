import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

// Clock ticks per second of /proc's utime and stime: `getconf CLK_TCK`, asked once
// (100 on every Linux this bench has met).
let ticksPerSecond: number | undefined

/**
 * The CPU time a process has used so far, user plus system, all its threads (V8's
 * garbage collector and libuv's pool included), in seconds, from `/proc/<pid>/stat`. On
 * a system without `/proc`, or once the process is gone, `undefined`. Its resolution is
 * one clock tick (10 ms): read it around seconds of load, not around one request.
 *
 * @example
 * ```ts
 * const before = processCpuSeconds(server.pid)
 * await measure(load)
 * const used = (processCpuSeconds(server.pid) ?? Number.NaN) - (before ?? Number.NaN)
 * ```
 */
export function processCpuSeconds(pid: number): number | undefined {
  let stat: string
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'latin1')
  } catch {
    return undefined
  }
  // The command name (field 2) is in parentheses and may hold spaces or ')': the fields
  // after the last ')' start at field 3 (state); utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const utime = Number(fields[11])
  const stime = Number(fields[12])
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined
  ticksPerSecond ??= clockTicks()
  return (utime + stime) / ticksPerSecond
}

function clockTicks(): number {
  try {
    const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim())
    return Number.isInteger(n) && n > 0 ? n : 100
  } catch {
    return 100
  }
}
