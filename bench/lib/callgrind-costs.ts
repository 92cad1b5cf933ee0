/** One caller's calls of one callee: how many, and the callee's inclusive cost over them. */
export interface CallEdge {
  count: number
  instructions: number
}

/** What {@link callgrindCosts} reads: each function's own cost, and who called whom. */
export interface CallgrindCosts {
  /** Instructions each function ran itself. */
  self: Map<string, number>
  /** Callee → caller → the calls that caller made (only callees `callersOf` accepted). */
  calls: Map<string, Map<string, CallEdge>>
}

/**
 * Self cost (instructions) per function in a callgrind output file written with
 * `--dump-instr=yes`: each cost line carries the instruction's address, so code with no
 * symbol (V8's JIT code: callgrind names it `0x…`) can be named by `resolve` (see
 * `perf-map.ts`). The cost a `calls=` line announces (the callee's inclusive cost) is not
 * the caller's own and is skipped there; for a callee `callersOf` accepts, it is kept
 * under `calls`, with the caller named by the call's own address as a cost line is (the
 * JavaScript function that called a V8 builtin, say). Functions `resolve` cannot name are
 * summed under `(unknown JIT code)`, the optimizing compilers' own functions under one
 * name.
 *
 * @example
 * ```ts
 * const { self, calls } = callgrindCosts(text, nameAt, (callee) => callee === 'Builtins_GetProperty')
 * calls.get('Builtins_GetProperty') // Map { 'Builtin:ResolvePromise' => { count: 6, instructions: 1994 }, … }
 * ```
 */
export function callgrindCosts(
  text: string,
  resolve: (address: number) => string | undefined,
  callersOf: (callee: string) => boolean = () => false,
): CallgrindCosts {
  const self = new Map<string, number>()
  const calls = new Map<string, Map<string, CallEdge>>()
  const names = new Map<string, string>()
  const nameOf = (fn: string | undefined, address: number): string =>
    fn !== undefined && !fn.startsWith('0x')
      ? group(fn)
      : (resolve(address) ?? '(unknown JIT code)')
  let positions = 1
  let fn: string | undefined
  let cfn: string | undefined
  let address = 0
  // The call a `calls=` line announced, until its cost line: its count and callee.
  let call: { count: number; callee: string | undefined } | undefined
  for (const line of text.split('\n')) {
    const first = line.charCodeAt(0)
    const isCost =
      (first >= 0x30 && first <= 0x39) || line[0] === '+' || line[0] === '-' || line[0] === '*'
    if (isCost) {
      const fields = line.split(' ')
      address = position(fields[0] as string, address)
      const cost = Number(fields[positions] ?? 0)
      const name = nameOf(fn, address)
      if (call === undefined) {
        self.set(name, (self.get(name) ?? 0) + cost)
        continue
      }
      if (call.callee !== undefined) {
        const callers = calls.get(call.callee) ?? new Map<string, CallEdge>()
        calls.set(call.callee, callers)
        const edge = callers.get(name) ?? { count: 0, instructions: 0 }
        edge.count += call.count
        edge.instructions += cost
        callers.set(name, edge)
      }
      call = undefined
    } else if (line.startsWith('calls=')) {
      // Callgrind names code without a symbol by its start, `0x…`: JIT code, by the perf map.
      const callee = nameOf(cfn, Number(cfn))
      const count = Number(line.slice(6).split(' ')[0])
      call = { count, callee: callersOf(callee) ? callee : undefined }
    } else if (line.startsWith('fn=')) {
      fn = compressedName(line.slice(3), names)
    } else if (line.startsWith('cfn=')) {
      // A callee's name may be defined here first, and referred to by its id later.
      cfn = compressedName(line.slice(4), names)
    } else if (line.startsWith('positions:')) {
      positions = line.split(/\s+/).length - 1
    }
  }
  return { self, calls }
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
