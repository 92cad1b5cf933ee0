// A preload for a bench server (`probe/promises-per-request.ts` starts it): an
// `async_hooks` init hook counts the async resources the process creates, by type, between
// two `SIGUSR2`s, and prints them as one line, `async-resources {"types":{…}}`, at the
// second. With BENCH_PROMISE_SITES=1 it also counts each promise's creation site (the
// first four frames of its stack below the hook) under `"sites"`.
import { createHook } from 'node:async_hooks'

const withSites = process.env.BENCH_PROMISE_SITES === '1'
let counting = false
let types = {}
let sites = {}

function siteOf() {
  const saved = Error.stackTraceLimit
  Error.stackTraceLimit = 12
  const frames = (new Error().stack ?? '').split('\n').slice(1)
  Error.stackTraceLimit = saved
  return frames
    .map((frame) => frame.trim())
    .filter((frame) => frame.startsWith('at ') && !frame.includes('node:internal/async_hooks'))
    .filter((frame) => !frame.includes('count-async-resources.mjs'))
    .slice(0, 4)
    .map((frame) => frame.replace(/file:\/\/\/[^ ]*?\/(node_modules|packages|bench)\//, '$1/'))
    .join(' < ')
}

createHook({
  init(_id, type) {
    if (!counting) return
    types[type] = (types[type] ?? 0) + 1
    if (withSites && type === 'PROMISE') {
      const site = siteOf()
      sites[site] = (sites[site] ?? 0) + 1
    }
  },
}).enable()

process.on('SIGUSR2', () => {
  if (!counting) {
    types = {}
    sites = {}
    counting = true
    return
  }
  counting = false
  console.log(`async-resources ${JSON.stringify(withSites ? { types, sites } : { types })}`)
})
