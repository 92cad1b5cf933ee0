/**
 * Where a command writes and what it reads from its environment. `out` is the command's
 * result (data, final counts); `err` is for notes and errors; `progress` writes raw text
 * to stderr (progress bars redraw the line, so no newline is added). Injected so the
 * same code serves the real process and any embedding.
 *
 * @example
 * ```ts
 * const io: CliIo = processIo()
 * io.out('deleted 3 expired sessions')
 * ```
 */
export interface CliIo {
  out(line: string): void
  err(line: string): void
  progress(text: string): void
  /** Whether stderr is a terminal (progress bars) or a pipe or file (plain lines). */
  readonly stderrIsTty: boolean
  readonly env: Readonly<Record<string, string | undefined>>
}

/** The {@link CliIo} of this process: `process.stdout`, `process.stderr`, `process.env`. */
export function processIo(): CliIo {
  return {
    out: (line) => void process.stdout.write(`${line}\n`),
    err: (line) => void process.stderr.write(`${line}\n`),
    progress: (text) => void process.stderr.write(text),
    stderrIsTty: process.stderr.isTTY === true,
    env: process.env,
  }
}
