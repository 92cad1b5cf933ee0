import { spawn, spawnSync } from 'node:child_process'

/**
 * The instruction total valgrind's cachegrind prints when its program exits
 * (`==123== I   refs:      4,509,344,459`), or `undefined` when the output has none.
 */
export function parseInstructionRefs(output: string): number | undefined {
  const match = /^==\d+== I\s+refs:\s+([\d,]+)\s*$/m.exec(output)
  return match ? Number((match[1] as string).replaceAll(',', '')) : undefined
}

/** Why instructions cannot be counted here (no valgrind), or `undefined` when they can. */
export function instructionCountingUnavailable(): string | undefined {
  const probe = spawnSync('valgrind', ['--version'], { encoding: 'utf8' })
  return probe.status === 0 ? undefined : 'valgrind not found (apt-get install valgrind)'
}

/**
 * Instructions per iteration of `node <entry> <scenario> <n> <warmUp>` (the program
 * serves `warmUp` requests, then `n`), counted by valgrind (user
 * space only: the kernel's work is not counted). The program runs twice, with the two
 * iteration counts, and the difference of the totals over the difference of the counts is
 * returned, so start-up and warm-up cancel out. V8 runs `--single-threaded --predictable`
 * (no background compiler or GC threads, fixed seeds) with a 512 MB initial old space, so
 * no full (mark-compact) collection runs at all: whether one fell inside a run's requests
 * moved a count by millions of instructions (bare Hono, 1,000 and 4,000 requests: 28.6k to
 * 45.5k). Young-generation scavenges still run and are counted. What is left to move a
 * count is V8's heuristics that read the clock (random session ids and Node's
 * once-a-second `Date` header besides): with 4,000 and 16,000 requests, two counts of one
 * build agreed to 0.5% (bare Hono 30,627 and 30,715; Tessera on Hono 81,467 and 81,780);
 * with 2,000 and 8,000 they still did not (31,375 and 40,095).
 */
export async function countInstructions(
  entry: string,
  scenario: string,
  [fewer, more]: readonly [number, number],
  warmUp = 3000,
): Promise<number> {
  const [a, b] = await Promise.all([
    run(entry, scenario, fewer, warmUp),
    run(entry, scenario, more, warmUp),
  ])
  return (b - a) / (more - fewer)
}

/**
 * `node … <entry> <scenario> <iterations> <warmUp>` as valgrind runs it for a count:
 * `--single-threaded --predictable` and an old space large enough that no mark-compact
 * runs (see {@link countInstructions}), after `nodeFlags`.
 */
export function requestLoopCommand(
  entry: string,
  scenario: string,
  iterations: number,
  warmUp: number,
  nodeFlags: readonly string[] = [],
): string[] {
  return [
    process.execPath,
    ...nodeFlags,
    '--single-threaded',
    '--predictable',
    '--initial-old-space-size=512',
    entry,
    scenario,
    String(iterations),
    String(warmUp),
  ]
}

function run(entry: string, scenario: string, iterations: number, warmUp: number): Promise<number> {
  const args = [
    '--tool=cachegrind',
    '--cache-sim=no',
    '--cachegrind-out-file=/dev/null',
    ...requestLoopCommand(entry, scenario, iterations, warmUp),
  ]
  return new Promise((resolve, reject) => {
    const child = spawn('valgrind', args, { stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
    })
    child.once('error', reject)
    child.once('close', (code) => {
      const total = parseInstructionRefs(stderr)
      if (code === 0 && total !== undefined) resolve(total)
      else reject(new Error(`${scenario} (${iterations}) exited ${code}: ${stderr.slice(-500)}`))
    })
  })
}
