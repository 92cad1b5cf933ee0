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

process.exitCode = await runCli(process.argv.slice(2), processIo())
// Every command closes its connections; should a driver still hold the event loop open,
// end anyway rather than hang a cron job. Unref'd: it never delays a clean exit.
setTimeout(() => process.exit(), 2000).unref()
