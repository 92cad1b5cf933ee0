import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { callgrindSelfCosts } from './callgrind-costs.js'
import { requestLoopCommand } from './count-instructions.js'
import { perfMapResolver } from './perf-map.js'

/**
 * Instructions per request of each function (JavaScript ones by name, from V8's perf
 * map) in `node <entry> <scenario> <n> <warmUp>`, by valgrind's callgrind: like
 * `countInstructions`, the loop runs with two request counts under the same V8 flags
 * and the difference over the difference of the counts is kept, so start-up, warm-up
 * and compilation cancel out. What `countInstructions` totals, this splits by function.
 *
 * @example
 * ```ts
 * const perFunction = await attributeInstructions(entry, 'tessera-fastify-memory', [4000, 16000], root)
 * ```
 */
export async function attributeInstructions(
  entry: string,
  scenario: string,
  [fewer, more]: readonly [number, number],
  root: string,
  warmUp = 3000,
): Promise<Map<string, number>> {
  const [a, b] = await Promise.all([
    selfCosts(entry, scenario, fewer, warmUp, root),
    selfCosts(entry, scenario, more, warmUp, root),
  ])
  const perRequest = new Map<string, number>()
  for (const name of new Set([...a.keys(), ...b.keys()])) {
    perRequest.set(name, ((b.get(name) ?? 0) - (a.get(name) ?? 0)) / (more - fewer))
  }
  return perRequest
}

async function selfCosts(
  entry: string,
  scenario: string,
  iterations: number,
  warmUp: number,
  root: string,
): Promise<Map<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-attribute-'))
  const out = join(dir, 'callgrind.out')
  let pid: number | undefined
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(
        'valgrind',
        [
          '--tool=callgrind',
          '--dump-instr=yes',
          `--callgrind-out-file=${out}`,
          // --perf-basic-prof: where V8 puts each function's code, /tmp/perf-<pid>.map.
          ...requestLoopCommand(entry, scenario, iterations, warmUp, ['--perf-basic-prof']),
        ],
        // In `dir`: V8 also writes an isolate log beside itself.
        { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
      )
      pid = child.pid
      let stderr = ''
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr = (stderr + chunk).slice(-2000)
      })
      child.once('error', reject)
      child.once('close', (code) => {
        if (code === 0) resolve()
        else reject(new Error(`${scenario} (${iterations}) exited ${code}: ${stderr.slice(-500)}`))
      })
    })
    // Valgrind runs node in its own process: the map is named by that pid.
    const map = `/tmp/perf-${pid}.map`
    try {
      return callgrindSelfCosts(
        readFileSync(out, 'utf8'),
        perfMapResolver(readFileSync(map, 'utf8'), root),
      )
    } finally {
      rmSync(map, { force: true })
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
