// Preloaded into a bench server by spawn-server.test.ts: on SIGTERM it prints 4,000 numbered
// lines (about 300 kB, more than a pipe holds), as a probe prints what it found when it is
// stopped; its listener runs before the server's own, which exits.
process.once('SIGTERM', () => {
  for (let i = 0; i < 4000; i++) process.stdout.write(`line ${i} ${'x'.repeat(64)}\n`)
  process.stdout.write('the end\n')
  // The server's own SIGTERM listener (reportListening) then exits.
})
