import type { CliIo } from '../cli-io.js'

/** Reports how far a long job got; `done` prints the last state and ends the line. */
export interface Progress {
  /** `current` items done so far (of `total` when known). */
  update(current: number, note?: string): void
  done(): void
}

const BAR_WIDTH = 30
const REDRAW_MS = 100
const PLAIN_LINE_MS = 2000

/**
 * A progress display on stderr for `what` (e.g. `deleting expired sessions`):
 *
 * - on a terminal, one bar redrawn in place (at most every 100 ms):
 *   `deleting expired sessions [#########.....] 61% 61000/100000`;
 * - otherwise (a pipe, a file, CI logs), plain lines: one each time another tenth of
 *   `total` is passed, or, when the total is unknown, at most one every 2 seconds.
 *
 * Only the final result belongs on stdout; this never writes there.
 *
 * @example
 * ```ts
 * const progress = createProgress(io, 'deleting expired sessions', 100_000)
 * await store.deleteExpired({ onProgress: (n) => progress.update(n) })
 * progress.done()
 * ```
 */
export function createProgress(
  io: CliIo,
  what: string,
  total?: number,
  clock: () => number = Date.now,
): Progress {
  let current = 0
  let note = ''
  let lastDraw = Number.NEGATIVE_INFINITY
  let lastTenth = 0
  let drawn = false

  const text = (): string => {
    const tail = note ? ` ${note}` : ''
    if (total === undefined || total <= 0) return `${what}: ${current}${tail}`
    const ratio = Math.min(1, current / total)
    const filled = Math.round(ratio * BAR_WIDTH)
    const bar = `${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}`
    return `${what} [${bar}] ${Math.floor(ratio * 100)}% ${current}/${total}${tail}`
  }

  return {
    update(value, newNote) {
      current = value
      note = newNote ?? note
      const now = clock()
      if (io.stderrIsTty) {
        if (now - lastDraw < REDRAW_MS) return
        lastDraw = now
        drawn = true
        // \r back to the line start, \x1b[K erase what a longer previous text left.
        io.progress(`\r${text()}\x1b[K`)
        return
      }
      if (total !== undefined && total > 0) {
        const tenth = Math.min(10, Math.floor((current / total) * 10))
        if (tenth <= lastTenth) return
        lastTenth = tenth
      } else if (now - lastDraw < PLAIN_LINE_MS) {
        return
      } else {
        lastDraw = now
      }
      io.progress(`${text()}\n`)
    },
    done() {
      if (io.stderrIsTty) {
        if (drawn || current > 0) io.progress(`\r${text()}\x1b[K\n`)
        return
      }
      if (total !== undefined && total > 0 && lastTenth < 10 && current > 0) {
        io.progress(`${text()}\n`)
      }
    },
  }
}
