/** One store's numbers in `npm run bench:scale`. */
export interface Footprint {
  /** e.g. `tessera sqlite`, `connect-redis`. */
  store: string
  sessions: number
  /** Bytes the store grew by (or holds) for `sessions` live sessions. */
  bytes: number
  /** How `bytes` was measured, e.g. `file size after a WAL checkpoint`. */
  how: string
}

/** `tessera clearsessions` on a store full of expired sessions. */
export interface Clearing {
  store: string
  sessions: number
  /** Wall-clock seconds of the whole command, Node's start-up included. */
  seconds: number
  /** The command's last line of output. */
  said: string
}

/**
 * Creates `count` things with at most `inFlight` at once (a store's round trips overlap,
 * as an app's many requests do) and, from 10,000 on, reports progress on stderr every tenth.
 */
export async function createMany(
  count: number,
  inFlight: number,
  create: (i: number) => Promise<unknown>,
  label: string,
): Promise<void> {
  let next = 0
  let done = 0
  const tenth = Math.max(1, Math.floor(count / 10))
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++
      await create(i)
      done++
      if (count >= 10_000 && done % tenth === 0)
        process.stderr.write(`  ${label}: ${done}/${count}\n`)
    }
  }
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, worker))
}
