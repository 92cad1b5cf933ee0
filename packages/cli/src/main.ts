import { runCli } from './cli.js'
import { processIo } from './cli-io.js'

// `tessera … | head` closes stdout early: that is the reader's choice, not a failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0)
  process.stderr.write(`tessera: cannot write the output (${error.code ?? 'failed'})\n`)
  process.exit(1)
})
// Anything that escapes runCli (a driver's stray event) still ends as one line, no stack.
process.on('uncaughtException', (error) => {
  process.stderr.write(`tessera: ${String(error?.message ?? error).split('\n')[0]}\n`)
  process.exit(1)
})

const code = await runCli(process.argv.slice(2), processIo())
// Every command closes its connections, but a driver may still hold a timer after a
// failed connect (ioredis does, for seconds): wait until what was written is flushed
// (an empty write calls back after every earlier one), then end at once.
const flushed = (stream: NodeJS.WriteStream) =>
  new Promise<void>((r) => stream.write('', () => r()))
await Promise.all([flushed(process.stdout), flushed(process.stderr)])
process.exit(code)
