import { spawnDemo } from './spawn-demo.js'
import { type RunningServer, spawnServer } from './spawn-server.js'
import type { Target } from './targets.js'

/** Starts `target`'s server in a child process: the demo as `npm start` runs it, any other bundled. */
export function startTarget(target: Target): Promise<RunningServer> {
  return target.launch === 'demo' ? spawnDemo() : spawnServer(target.file)
}
