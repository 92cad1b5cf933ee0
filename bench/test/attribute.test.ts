// `npm run bench:attribute`: reading callgrind's per-instruction costs, naming V8's JIT
// code from its perf map, and one real attribution of a short request loop (skipped,
// with its reason, where valgrind is not installed).
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { attributeInstructions } from '../lib/attribute-instructions.js'
import { callgrindCosts } from '../lib/callgrind-costs.js'
import { instructionCountingUnavailable } from '../lib/count-instructions.js'
import { perfMapResolver } from '../lib/perf-map.js'
import { bundle } from '../lib/spawn-server.js'

describe('perfMapResolver', () => {
  const map = [
    '1000 100 JS:*getCookie file:///repo/packages/core/dist/cookie/get-cookie.js:25:26',
    '2000 40 Builtins_LoadIC',
    // V8 reused the start of the first range for newer code: the later line wins there.
    '1000 20 JS:~open file:///repo/packages/core/dist/session/session-manager.js:99:7',
  ].join('\n')
  const nameAt = perfMapResolver(map, '/repo')

  it('names the code an address falls in, without tier marks or the root', () => {
    expect(nameAt(0x1050)).toBe('JS:getCookie packages/core/dist/cookie/get-cookie.js:25:26')
    expect(nameAt(0x2027)).toBe('Builtins_LoadIC')
  })

  it('prefers the later of two lines that cover an address', () => {
    expect(nameAt(0x1010)).toBe('JS:open packages/core/dist/session/session-manager.js:99:7')
  })

  it('answers undefined outside every range', () => {
    expect(nameAt(0xfff)).toBeUndefined()
    expect(nameAt(0x1100)).toBeUndefined()
    expect(nameAt(0x2040)).toBeUndefined()
  })
})

describe('callgrindCosts', () => {
  // The shape callgrind writes with --dump-instr=yes: "address line cost" lines,
  // compressed names, relative addresses, and a call whose inclusive cost is not the
  // caller's own.
  const out = [
    'positions: instr line',
    'events: Ir',
    'ob=(1) /usr/bin/node',
    'fn=(1) v8::internal::Heap::Scavenge()',
    '0x500 10 7',
    '+2 * 3',
    'fn=(2) 0x0000000000001000',
    '0x1004 0 5',
    '+8 0 4',
    'cfn=(1)',
    'calls=1 0x500 10',
    '* * 1000',
    '0x2010 0 6',
    // A name first given on a call line, then used by its id alone.
    'cfn=(3) OPENSSL_cleanse',
    'calls=1 0x900 0',
    '* * 50',
    'fn=(1)',
    '0x510 11 2',
    // A symbol's call into JIT code, which callgrind names by its start address.
    'cfn=(2)',
    'calls=2 0x1000 0',
    '0x514 11 40',
    'fn=(3)',
    '0x900 0 8',
    'fn=(4) v8::internal::compiler::GraphReducer::ReduceTop()',
    '0x700 0 20',
    'fn=(5) v8::internal::maglev::MaglevGraphBuilder::Build()',
    '0x800 0 30',
  ].join('\n')
  const nameAt = perfMapResolver('1000 100 JS:*f file:///r/f.js:1:1\n', '/r')

  it('sums each function’s own cost, naming JIT code by address and the compilers as one', () => {
    const costs = callgrindCosts(out, nameAt).self
    expect(Object.fromEntries(costs)).toEqual({
      'v8::internal::Heap::Scavenge()': 12,
      'JS:f f.js:1:1': 9,
      '(unknown JIT code)': 6,
      OPENSSL_cleanse: 8,
      '(V8 compiling: TurboFan, Maglev)': 50,
    })
  })

  it('names the callers of the callees asked for, by the call’s address, with their inclusive cost', () => {
    const { calls } = callgrindCosts(out, nameAt, (callee) => callee !== 'OPENSSL_cleanse')
    const edges = Object.fromEntries(
      [...calls].map(([callee, callers]) => [callee, Object.fromEntries(callers)]),
    )
    expect(edges).toEqual({
      'v8::internal::Heap::Scavenge()': { 'JS:f f.js:1:1': { count: 1, instructions: 1000 } },
      'JS:f f.js:1:1': { 'v8::internal::Heap::Scavenge()': { count: 2, instructions: 40 } },
    })
  })

  it('keeps no call edges unless asked', () => {
    expect(callgrindCosts(out, nameAt).calls.size).toBe(0)
  })
})

const unavailable = instructionCountingUnavailable()
if (unavailable) console.warn(`SKIP instruction attribution: ${unavailable}`)

describe.skipIf(unavailable !== undefined)('attributeInstructions', () => {
  it('splits a Tessera-on-Fastify request loop into named functions, the session layer’s among them', async () => {
    const entry = await bundle(
      fileURLToPath(new URL('../instructions/request-loop.ts', import.meta.url)),
    )
    const root = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '')
    const { self: perRequest, calls } = await attributeInstructions(
      entry,
      'tessera-fastify-memory',
      [100, 400],
      root,
      100,
      (callee) => callee.startsWith('sha256_block_data_order'),
    )
    const total = [...perRequest.values()].reduce((s, v) => s + v, 0)
    // The same order as countInstructions' total for this loop.
    expect(total).toBeGreaterThan(20_000)
    expect(total).toBeLessThan(2_000_000)
    // The credential's SHA-256 (OpenSSL) and the core's own JavaScript are named.
    const names = [...perRequest.keys()]
    expect(names.some((n) => n.startsWith('sha256_block_data_order'))).toBe(true)
    const core = names.filter((n) => n.startsWith('JS:') && n.includes('packages/core/dist/'))
    expect(core.reduce((s, n) => s + (perRequest.get(n) ?? 0), 0)).toBeGreaterThan(1_000)
    // And who called OpenSSL's block function: about once per request (one 43-character
    // secret is one block), through OpenSSL's own functions.
    const sha = [...calls.values()].flatMap((callers) => [...callers.values()])
    const perRequestCalls = sha.reduce((s, edge) => s + edge.count, 0)
    expect(perRequestCalls).toBeGreaterThan(0.5)
    expect(perRequestCalls).toBeLessThan(10)
  }, 240_000)
})
