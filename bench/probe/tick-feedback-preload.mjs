// Preloaded by probe/tick-feedback.ts into a bench server started with
// `--allow-natives-syntax`: on SIGUSR2 the server prints V8's `%DebugPrint` of
// `process.nextTick`, whose feedback vector says which state its tick-object literal is in
// (README.md: "Fastify's slow starts"). Built with `Function` so that this file stays
// plain JavaScript: only code compiled under the flag may call V8's natives.
const debugPrint = new Function('f', '%DebugPrint(f)')

process.on('SIGUSR2', () => {
  console.log('=== tick feedback')
  debugPrint(process.nextTick)
  console.log('=== end')
})

// No SIGTERM listener of its own: the server's (reportListening) runs its clean-up (a Redis
// target deletes its keys) and then exits normally, which flushes what V8 printed through
// C's stdout. Exiting here first skipped that clean-up.
