import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type CallEdge, type CallgrindCosts, callgrindCosts } from './callgrind-costs.js'
import { requestLoopCommand } from './count-instructions.js'
import { perfMapResolver } from './perf-map.js'

/** Per request: each function's own instructions, and the calls of the callees asked for. */
export type Attribution = CallgrindCosts

/**
 * Instructions per request of each function (JavaScript ones by name, from V8's perf
 * map) in `node <entry> <scenario> <n> <warmUp>`, by valgrind's callgrind: like
 * `countInstructions`, the loop runs with two request counts under the same V8 flags
 * and the difference over the difference of the counts is kept, so start-up, warm-up
 * and compilation cancel out. What `countInstructions` totals, this splits by function.
 * For each callee `callersOf` accepts (a V8 builtin, say), `calls` also says which
 * functions called it, how often and at what inclusive cost per request, differenced
 * the same way.
 *
 * @example
 * ```ts
 * const { self } = await attributeInstructions(entry, 'tessera-fastify-memory', [4000, 16000], root)
 * ```
 */
export async function attributeInstructions(
  entry: string,
  scenario: string,
  [fewer, more]: readonly [number, number],
  root: string,
  warmUp = 3000,
  callersOf?: (callee: string) => boolean,
): Promise<Attribution> {
  const [a, b] = await Promise.all([
    runCallgrind(entry, scenario, fewer, warmUp, root, callersOf),
    runCallgrind(entry, scenario, more, warmUp, root, callersOf),
  ])
  const span = more - fewer
  const self = new Map<string, number>()
  for (const name of new Set([...a.self.keys(), ...b.self.keys()])) {
    self.set(name, ((b.self.get(name) ?? 0) - (a.self.get(name) ?? 0)) / span)
  }
  const calls = new Map<string, Map<string, CallEdge>>()
  for (const callee of new Set([...a.calls.keys(), ...b.calls.keys()])) {
    const before = a.calls.get(callee) ?? new Map<string, CallEdge>()
    const after = b.calls.get(callee) ?? new Map<string, CallEdge>()
    const callers = new Map<string, CallEdge>()
    for (const caller of new Set([...before.keys(), ...after.keys()])) {
      const x = before.get(caller) ?? { count: 0, instructions: 0 }
      const y = after.get(caller) ?? { count: 0, instructions: 0 }
      callers.set(caller, {
        count: (y.count - x.count) / span,
        instructions: (y.instructions - x.instructions) / span,
      })
    }
    calls.set(callee, callers)
  }
  return { self, calls }
}

async function runCallgrind(
  entry: string,
  scenario: string,
  iterations: number,
  warmUp: number,
  root: string,
  callersOf: ((callee: string) => boolean) | undefined,
): Promise<CallgrindCosts> {
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
      return callgrindCosts(
        readFileSync(out, 'utf8'),
        perfMapResolver(readFileSync(map, 'utf8'), root),
        callersOf,
      )
    } finally {
      rmSync(map, { force: true })
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
