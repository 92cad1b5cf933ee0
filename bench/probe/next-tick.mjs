// A preload for any bench server: `node --import ./probe/next-tick.mjs .build/<target>.mjs`,
// then `kill -USR2 <pid>` prints `next-tick: <ns> ns per process.nextTick` (a loop of
// 300,000 ticks run inside the server, between requests). Node's HTTP stack calls
// process.nextTick several times per request; README.md "How many modules load" shows
// servers where one call cost 230–400 ns instead of ~50 ns.
const calls = 300_000

process.on('SIGUSR2', () => {
  const started = process.hrtime.bigint()
  let left = calls
  const tick = () => {
    if (--left > 0) {
      process.nextTick(tick)
      return
    }
    const ns = Number(process.hrtime.bigint() - started) / calls
    console.log(`next-tick: ${ns.toFixed(1)} ns per process.nextTick`)
  }
  process.nextTick(tick)
})
