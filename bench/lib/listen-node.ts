import type { Server } from 'node:http'
import { reportListening } from './report-listening.js'

/**
 * Reports the port of a `node:http` server that is listening (or about to) to the bench,
 * with `cleanup` run before the child exits.
 *
 * @example
 * ```ts
 * reportNodeServer(app.listen(0, '127.0.0.1'), cleanup)
 * ```
 */
export function reportNodeServer(server: Server, cleanup?: () => void | Promise<void>): void {
  const report = (): void => {
    const address = server.address()
    if (address === null || typeof address === 'string') throw new Error('expected a TCP address')
    reportListening(address.port, cleanup)
  }
  if (server.listening) report()
  else server.once('listening', report)
}
