/**
 * The JavaScript function at an address, from the `/tmp/perf-<pid>.map` that
 * `node --perf-basic-prof` writes (one `start size name` line per piece of code V8
 * generated, in hex). V8 may reuse an address for newer code: the later line wins.
 * Names lose V8's tier marks (`JS:*f`, `JS:~f`, `JS:^f` are all `JS:f`) and the file
 * URL's `file://` and the working directory prefix.
 *
 * @example
 * ```ts
 * const nameAt = perfMapResolver(readFileSync(`/tmp/perf-${pid}.map`, 'utf8'), process.cwd())
 * nameAt(0x7f3a12345678) // 'JS:getCookie packages/core/dist/cookie/get-cookie.js:25:26'
 * ```
 */
export function perfMapResolver(
  text: string,
  root: string,
): (address: number) => string | undefined {
  const entries: Array<{ start: number; end: number; name: string; order: number }> = []
  for (const line of text.split('\n')) {
    const [start, size, ...rest] = line.split(' ')
    if (start === undefined || size === undefined || rest.length === 0) continue
    const from = Number.parseInt(start, 16)
    const name = rest
      .join(' ')
      .replace(/^JS:[*~^+]?/, 'JS:')
      .replace(`file://${root}/`, '')
    entries.push({
      start: from,
      end: from + Number.parseInt(size, 16),
      name,
      order: entries.length,
    })
  }
  entries.sort((a, b) => a.start - b.start || a.order - b.order)
  const starts = entries.map((e) => e.start)
  // The widest piece of code V8 makes is well under this many entries back.
  const lookBack = 64
  return (address) => {
    let i = upperBound(starts, address) - 1
    let best: (typeof entries)[number] | undefined
    for (const stop = Math.max(0, i - lookBack); i >= stop; i--) {
      const entry = entries[i] as (typeof entries)[number]
      if (address < entry.end && (best === undefined || entry.order > best.order)) best = entry
    }
    return best?.name
  }
}

/** The index of the first element greater than `value` in sorted `values`. */
function upperBound(values: readonly number[], value: number): number {
  let low = 0
  let high = values.length
  while (low < high) {
    const mid = (low + high) >>> 1
    if ((values[mid] as number) <= value) low = mid + 1
    else high = mid
  }
  return low
}
