// `node --import tsx probe/lru-hot-key.ts`: what one `LruCache.get` costs when one key is
// read again and again while the cache holds `size` others, the pattern of one client
// sending request after request with the same token (the JWT verified-token cache,
// 10,000 entries by default) or one user's session (the session auth hash cache, 4,096),
// and when reads spread over every entry. Prints ns per get for each size. (README.md:
// "The LRU caches' hot key".)
import { LruCache } from '../../packages/core/src/lib/lru-cache.js'

const reads = 200_000
const sizes = [1, 100, 1_000, 4_096, 10_000]

for (const size of sizes) {
  const keys = Array.from({ length: size }, (_, i) => `token-${i}`.padEnd(43, 'x'))
  for (const [pattern, pick] of [
    ['one hot key', () => keys[0] as string],
    ['spread', (i: number) => keys[(i * 7919) % size] as string],
  ] as const) {
    const cache = new LruCache<string, { n: number }>(size)
    for (const [i, key] of keys.entries()) cache.set(key, { n: i })
    let found = 0
    const started = process.hrtime.bigint()
    for (let i = 0; i < reads; i++) if (cache.get(pick(i)) !== undefined) found++
    const ns = Number(process.hrtime.bigint() - started) / reads
    if (found !== reads) throw new Error(`lost entries: ${reads - found}`)
    console.log(`lru-hot-key: ${size} entries, ${pattern}: ${ns.toFixed(1)} ns per get`)
  }
}
