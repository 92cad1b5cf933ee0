// `npm run bench:instructions`: reading valgrind's total, and one real count of a short
// request loop (skipped, with its reason, where valgrind is not installed).
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import {
  countInstructions,
  instructionCountingUnavailable,
  parseInstructionRefs,
} from '../lib/count-instructions.js'
import { bundle } from '../lib/spawn-server.js'

describe('parseInstructionRefs', () => {
  it("reads cachegrind's instruction total, commas and all", () => {
    const output = [
      '==8741== Cachegrind, a cache and branch-prediction profiler',
      '==8741== ',
      '==8741== I   refs:      4,509,344,459',
    ].join('\n')
    expect(parseInstructionRefs(output)).toBe(4_509_344_459)
  })

  it('answers undefined when the output has no total (the program crashed first)', () => {
    expect(parseInstructionRefs('==1== Memcheck, a memory error detector\n')).toBeUndefined()
    expect(parseInstructionRefs('I refs: 12')).toBeUndefined()
  })
})

const unavailable = instructionCountingUnavailable()
if (unavailable) console.warn(`SKIP instruction count: ${unavailable}`)

describe.skipIf(unavailable !== undefined)('countInstructions', () => {
  it('counts a Tessera-on-Hono request loop that really reads its session', async () => {
    const entry = await bundle(
      fileURLToPath(new URL('../instructions/request-loop.ts', import.meta.url)),
    )
    // The loop checks every answer is 200 {"user":"bench"} read from the session, and
    // exits non-zero otherwise: a count is only returned for requests that did the work.
    const perRequest = await countInstructions(entry, 'tessera-hono-memory', [100, 400], 100)
    // A request through @hono/node-server, Hono and the session layer runs tens of
    // thousands of instructions; a loop that skipped the work would count far fewer. A
    // full garbage collection falling in one of the two runs adds tens of millions,
    // spread over 300 requests here (over 30, it once counted 3.2 million per request).
    expect(perRequest).toBeGreaterThan(20_000)
    expect(perRequest).toBeLessThan(2_000_000)
  }, 180_000)
})
