/**
 * Self cost (instructions) per function in a callgrind output file written with
 * `--dump-instr=yes`: each cost line carries the instruction's address, so code with no
 * symbol (V8's JIT code: callgrind names it `0x…`) can be named by `resolve` (see
 * `perf-map.ts`). The cost a `calls=` line announces (the callee's inclusive cost) is not
 * the caller's own and is skipped. Functions `resolve` cannot name are summed under
 * `(unknown JIT code)`, the optimizing compilers' own functions under one name.
 *
 * @example
 * ```ts
 * const costs = callgrindSelfCosts(readFileSync('callgrind.out', 'utf8'), perfMap.nameAt)
 * ```
 */
export function callgrindSelfCosts(
  text: string,
  resolve: (address: number) => string | undefined,
): Map<string, number> {
  const costs = new Map<string, number>()
  const names = new Map<string, string>()
  let positions = 1
  let fn: string | undefined
  let address = 0
  let skipNext = false
  for (const line of text.split('\n')) {
    const first = line.charCodeAt(0)
    const isCost =
      (first >= 0x30 && first <= 0x39) || line[0] === '+' || line[0] === '-' || line[0] === '*'
    if (isCost) {
      const fields = line.split(' ')
      address = position(fields[0] as string, address)
      if (skipNext) {
        skipNext = false
        continue
      }
      const cost = Number(fields[positions] ?? 0)
      const name =
        fn !== undefined && !fn.startsWith('0x')
          ? group(fn)
          : (resolve(address) ?? '(unknown JIT code)')
      costs.set(name, (costs.get(name) ?? 0) + cost)
    } else if (line.startsWith('calls=')) {
      skipNext = true
    } else if (line.startsWith('fn=')) {
      fn = compressedName(line.slice(3), names)
    } else if (line.startsWith('cfn=')) {
      // A callee's name may be defined here first, and referred to by its id later.
      compressedName(line.slice(4), names)
    } else if (line.startsWith('positions:')) {
      positions = line.split(/\s+/).length - 1
    }
  }
  return costs
}

// V8's optimizing compilers run on the main thread under `--single-threaded`: hundreds of
// functions, one row. When a function is compiled moves from run to run by thousands of
// requests, so this row moves between two attributions of the same build.
const COMPILER = /^v8::internal::(compiler|maglev|turboshaft)::/

function group(fn: string): string {
  return COMPILER.test(fn) ? '(V8 compiling: TurboFan, Maglev)' : fn
}

/** An address field: absolute (`0x…` or decimal), relative (`+n`, `-n`) or `*` (the same). */
function position(field: string, previous: number): number {
  if (field === '*') return previous
  if (field[0] === '+') return previous + Number(field.slice(1))
  if (field[0] === '-') return previous - Number(field.slice(1))
  return Number(field)
}

/**
 * `(12) name` defines id 12, `(12)` refers to it; callgrind compresses repeated names so,
 * with one set of ids for `fn=` and `cfn=` lines.
 */
function compressedName(spec: string, names: Map<string, string>): string {
  const match = /^\((\d+)\)(?: (.*))?$/.exec(spec)
  if (!match) return spec
  const [, id, name] = match as unknown as [string, string, string | undefined]
  if (name !== undefined) names.set(id, name)
  return names.get(id) ?? spec
}
