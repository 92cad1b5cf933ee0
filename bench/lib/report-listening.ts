/** What a server child sends its parent over IPC once it accepts connections. */
export interface ListeningMessage {
  type: 'listening'
  port: number
}

/**
 * Tells the parent which port the server got (IPC when spawned by the bench, a stdout line
 * when started by hand), and makes the child stop by itself: on SIGTERM/SIGINT, and when the
 * IPC channel closes because the parent died, so no orphaned server keeps a core busy.
 */
export function reportListening(port: number, cleanup: () => void = () => {}): void {
  const stop = (): void => {
    cleanup()
    process.exit(0)
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
