#!/usr/bin/env node
// The `tessera` command. It runs the TypeScript sources in this process, with no build
// step, so it works straight after `npm ci` in a fresh clone: tsx compiles the .ts files
// as they load, and a one-line resolve hook adds the "@tessera/source" export condition
// (the one vitest and the demo use), so the workspace packages resolve to their src/
// instead of a dist/ that does not exist yet. Both hooks go through `module.register`
// (Node >= 20.6), so there is no child process to forward signals and exit codes to.
import { register } from 'node:module'
import { register as registerTsx } from 'tsx/esm/api'

registerTsx()
// Registered after tsx, so it runs first and tsx resolves with the extra condition.
register('./source-condition.js', import.meta.url)
await import('../src/main.ts')
