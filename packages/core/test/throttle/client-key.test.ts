import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { clientKey } from '../../src/throttle/client-key.js'

// The throttle's per-client key is computed from an address that may come from
// X-Forwarded-For. One IPv6 client owns a whole /64 and chooses how to write its
// address, so every address and every spelling within one /64 must give one key.

const group = fc.integer({ min: 0, max: 0xffff })
const groups = (n: number) => fc.array(group, { minLength: n, maxLength: n })
/** A /64 outside ::/64, the block that holds the IPv4-mapped addresses. */
const prefix64 = groups(4).filter((g) => g.some((x) => x !== 0))
const ipv4 = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 })

/** How one address is written: every choice RFC 4291 §2.2 and the usual wrappers allow. */
const spelling = fc.record({
  /** Which run of zero groups `::` replaces, and how much of it. */
  run: fc.nat(),
  runStart: fc.nat(),
  runLength: fc.nat(),
  compress: fc.boolean(),
  pad: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
  upper: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
  ipv4Tail: fc.boolean(),
  wrap: fc.constantFrom('none', 'brackets', 'port', 'zone', 'spaces'),
  port: fc.integer({ min: 0, max: 65535 }),
})
type Spelling = typeof spelling extends fc.Arbitrary<infer T> ? T : never

function zeroRuns(g: readonly number[]): Array<[start: number, end: number]> {
  const runs: Array<[number, number]> = []
  for (let i = 0; i < 8; i++) {
    if (g[i] !== 0) continue
    let end = i
    while (end < 8 && g[end] === 0) end++
    runs.push([i, end])
    i = end
  }
  return runs
}

function spell(g: readonly number[], s: Spelling): string {
  let cut: [number, number] | null = null
  const runs = zeroRuns(g)
  if (s.compress && runs.length > 0) {
    const [start, end] = runs[s.run % runs.length] as [number, number]
    const from = start + (s.runStart % (end - start))
    cut = [from, from + 1 + (s.runLength % (end - from))]
  }
  const tail = s.ipv4Tail && (cut === null || cut[1] <= 6)
  const token = (i: number) => {
    if (tail && i === 6) {
      const [hi, lo] = [g[6] as number, g[7] as number]
      return [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join('.')
    }
    const hex = (g[i] as number).toString(16).padStart(s.pad[i] ? 4 : 1, '0')
    return s.upper[i] ? hex.toUpperCase() : hex
  }
  const side = (from: number, to: number) => {
    const out: string[] = []
    for (let i = from; i < to; i++) if (!(tail && i === 7)) out.push(token(i))
    return out.join(':')
  }
  const text = cut ? `${side(0, cut[0])}::${side(cut[1], 8)}` : side(0, 8)
  switch (s.wrap) {
    case 'brackets':
      return `[${text}]`
    case 'port':
      return `[${text}]:${s.port}`
    case 'zone':
      return `${text}%eth${s.port}`
    case 'spaces':
      return ` ${text}\t`
    default:
      return text
  }
}

/** RFC 5952 text of an address, from the WHATWG URL parser: an oracle independent of ours. */
function canonical(g: readonly number[]): string {
  return new URL(`http://[${g.map((x) => x.toString(16)).join(':')}]/`).hostname.slice(1, -1)
}

describe('clientKey', () => {
  it('never throws, and always answers a string', () => {
    const addressish = fc.string({
      unit: fc.constantFrom(...'0123456789abcdefABCDEF:.[]%fF '.split(''), '::', '1.2.3.4'),
      maxLength: 60,
    })
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), addressish),
        fc.integer({ min: 32, max: 128 }),
        (text, prefix) => {
          expect(typeof clientKey(text, prefix)).toBe('string')
        },
      ),
      { numRuns: 2000 },
    )
  })

  it('every address in one /64, however spelled, gives the same key: the /64 in RFC 5952 form', () => {
    fc.assert(
      fc.property(
        prefix64,
        groups(4),
        spelling,
        groups(4),
        spelling,
        (net, a, spellA, b, spellB) => {
          const key = clientKey(spell([...net, ...a], spellA), 64)
          expect(key).toBe(`${canonical([...net, 0, 0, 0, 0])}/64`)
          expect(clientKey(spell([...net, ...b], spellB), 64)).toBe(key)
        },
      ),
      { numRuns: 2000 },
    )
  })

  it('addresses in different /64s give different keys', () => {
    fc.assert(
      fc.property(prefix64, prefix64, groups(4), spelling, spelling, (n1, n2, iid, s1, s2) => {
        fc.pre(n1.some((x, i) => x !== n2[i]))
        expect(clientKey(spell([...n1, ...iid], s1), 64)).not.toBe(
          clientKey(spell([...n2, ...iid], s2), 64),
        )
      }),
      { numRuns: 1000 },
    )
  })

  it('an IPv4-mapped address, in any spelling, is the plain IPv4 address', () => {
    fc.assert(
      fc.property(ipv4, spelling, fc.integer({ min: 0, max: 65535 }), (v4, s, port) => {
        const [a, b, c, d] = v4 as [number, number, number, number]
        const mapped = [0, 0, 0, 0, 0, 0xffff, (a << 8) | b, (c << 8) | d]
        const plain = v4.join('.')
        expect(clientKey(spell(mapped, s), 64)).toBe(plain)
        expect(clientKey(plain, 64)).toBe(plain)
        expect(clientKey(` ${plain}:${port} `, 64)).toBe(plain)
      }),
      { numRuns: 1000 },
    )
  })

  it('ipv6Prefix: addresses that share the first n bits share a key, others do not', () => {
    fc.assert(
      fc.property(
        groups(8),
        fc.integer({ min: 32, max: 128 }),
        fc.integer({ min: 0, max: 127 }),
        spelling,
        (g, prefix, bit, s) => {
          const flipped = [...g]
          flipped[bit >> 4] = (g[bit >> 4] as number) ^ (0x8000 >> (bit & 15))
          // Keep both out of ::/64, where the IPv4-mapped block lives.
          fc.pre(g.slice(0, 4).some((x) => x !== 0) && flipped.slice(0, 4).some((x) => x !== 0))
          const same = clientKey(spell(g, s), prefix) === clientKey(spell(flipped, s), prefix)
          expect(same).toBe(bit >= prefix)
        },
      ),
      { numRuns: 2000 },
    )
  })

  it.each([
    ['2001:DB8:0:0:1::1', '2001:db8::/64'],
    ['[2001:db8:1:2::1]:443', '2001:db8:1:2::/64'],
    ['fe80::1%eth0', 'fe80::/64'],
    ['[fe80::1%25eth0]:80', 'fe80::/64'],
    ['2001:db8:1:2:3:4:1.2.3.4', '2001:db8:1:2::/64'],
    ['::1', '::/64'],
    ['::', '::/64'],
    ['::ffff:1.2.3.4', '1.2.3.4'],
    ['::FFFF:102:304', '1.2.3.4'],
    ['0:0:0:0:0:ffff:102:304', '1.2.3.4'],
    [' 203.0.113.7:8080 ', '203.0.113.7'],
    ['[203.0.113.7]', '203.0.113.7'],
  ])('%s is %s', (client, key) => {
    expect(clientKey(client, 64)).toBe(key)
  })

  it('keeps the prefix length in the key: a /56 and a /64 never share a counter', () => {
    expect(clientKey('2001:db8:1:2::1', 56)).toBe('2001:db8:1::/56')
    expect(clientKey('2001:db8:1:2::1', 128)).toBe('2001:db8:1:2::1/128')
  })

  it.each([
    'unknown',
    '',
    '  ',
    '1.2.3',
    '01.2.3.4',
    '1.2.3.256',
    '1.2.3.4%eth0',
    '[::1',
    '[::1]x',
    '[::1]:abc',
    ':::',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '12345::',
    '::1.2.3.4.5',
    '1.2.3.4::',
    'g::1',
  ])('%j is no address: it counts as given', (client) => {
    expect(clientKey(client, 64)).toBe(client)
  })
})
