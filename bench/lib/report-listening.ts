/** What a server child sends its parent over IPC once it accepts connections. */
export interface ListeningMessage {
  type: 'listening'
  port: number
}

const cleanupTimeoutMs = 3_000

/**
 * Tells the parent which port the server got (IPC when spawned by the bench, a stdout line
 * when started by hand), and makes the child stop by itself: on SIGTERM/SIGINT, and when the
 * IPC channel closes because the parent died, so no orphaned server keeps a core busy.
 * `cleanup` runs once before the exit and may return a promise (at most 3 s); the exit waits
 * for what was written to stdout to be taken by its pipe.
 */
export function reportListening(
  port: number,
  cleanup: () => void | Promise<void> = () => {},
): void {
  let stopping = false
  const stop = (): void => {
    if (stopping) return
    stopping = true
    // Clean-up may be asynchronous (deleting Redis keys); it gets a bounded time, well
    // under the parent's SIGKILL deadline, and a failing clean-up still exits.
    setTimeout(() => {
      console.error(`clean-up did not finish within ${cleanupTimeoutMs} ms`)
      process.exit(1)
    }, cleanupTimeoutMs)
    Promise.resolve()
      .then(cleanup)
      .then(
        // Once stdout has taken what was written to it: process.exit() drops the part of a
        // probe's last output still queued for a full pipe.
        () => process.stdout.write('', () => process.exit(0)),
        (error: unknown) => {
          console.error('clean-up failed:', error)
          process.exit(1)
        },
      )
  }
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
  if (!process.send) {
    console.log(`listening on http://127.0.0.1:${port}`)
    return
  }
  // The parent may have died while this child was still compiling and starting.
  if (!process.connected) {
    stop()
    return
  }
  process.once('disconnect', stop)
  const message: ListeningMessage = { type: 'listening', port }
  process.send(message)
}
