/**
 * The login throttle's name for a client address: one key per client, however the
 * address is spelled and whichever address of its own block the client sends from.
 *
 * - IPv4 stays whole (`203.0.113.7`); an IPv4-mapped IPv6 address (`::ffff:203.0.113.7`,
 *   `::ffff:cb00:7107`) is that IPv4 address, since a dual-stack socket reports IPv4
 *   peers that way.
 * - IPv6 becomes its `ipv6Prefix` block in RFC 5952 canonical form
 *   (`2001:db8:1:2::/64`): every client owns at least a /64 (RFC 6177) and can pick any
 *   source address in it, so counting single addresses counts nothing.
 * - Brackets and a port (`[2001:db8::1]:443`, `203.0.113.7:443`), surrounding spaces,
 *   letter case and a zone id (`fe80::1%eth0`) do not change the key.
 * - Anything else is returned exactly as given: it still counts, as its own key.
 *
 * Never throws: the address may come from a client-influenced header such as
 * `X-Forwarded-For`.
 *
 * @example
 * ```ts
 * clientKey('[2001:DB8:1:2:aaaa::1]:443', 64) // '2001:db8:1:2::/64'
 * clientKey('::ffff:102:304', 64) // '1.2.3.4'
 * ```
 */
export function clientKey(client: string, ipv6Prefix: number): string {
  const address = unwrap(client.trim().toLowerCase())
  if (address === null) return client
  const zone = address.indexOf('%')
  const bare = zone === -1 ? address : address.slice(0, zone)
  if (zone === -1) {
    const v4 = parseIpv4(bare)
    if (v4) return v4.join('.')
  }
  const groups = parseIpv6(bare)
  if (!groups) return client
  // RFC 4291 §2.5.5.2: ::ffff:0:0/96 carries an IPv4 address.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [hi, lo] = [groups[6] as number, groups[7] as number]
    return [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join('.')
  }
  return `${format(mask(groups, ipv6Prefix))}/${ipv6Prefix}`
}

/** Strips `[…]` with an optional `:port`, or the `:port` of `a.b.c.d:port`; null if the brackets are malformed. */
function unwrap(text: string): string | null {
  if (text.startsWith('[')) {
    const close = text.indexOf(']')
    if (close === -1) return null
    const rest = text.slice(close + 1)
    return rest === '' || /^:\d{1,5}$/.test(rest) ? text.slice(1, close) : null
  }
  const port = /^([\d.]+):\d{1,5}$/.exec(text)
  return port ? (port[1] as string) : text
}

/** Strict dotted decimal (RFC 6943 §3.1.1): four parts, no leading zeros, which some parsers read as octal. */
function parseIpv4(text: string): number[] | null {
  const parts = text.split('.')
  if (parts.length !== 4) return null
  const octets: number[] = []
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return null
    const value = Number(part)
    if (value > 255) return null
    octets.push(value)
  }
  return octets
}

/** The eight 16-bit groups of an RFC 4291 §2.2 text address (`::`, embedded IPv4 tail), or null. */
function parseIpv6(text: string): number[] | null {
  const gap = text.indexOf('::')
  if (gap !== text.lastIndexOf('::')) return null
  if (gap === -1) {
    const all = parseGroups(text)
    return all?.length === 8 ? all : null
  }
  const head = text.slice(0, gap)
  const tail = text.slice(gap + 2)
  const front = head === '' ? [] : parseGroups(head, false)
  const back = tail === '' ? [] : parseGroups(tail)
  if (!front || !back || front.length + back.length > 7) return null
  return [...front, ...Array<number>(8 - front.length - back.length).fill(0), ...back]
}

/** Colon-separated hex groups; the last may be a dotted IPv4 address (two groups) when `ipv4Tail`. */
function parseGroups(text: string, ipv4Tail = true): number[] | null {
  const parts = text.split(':')
  const groups: number[] = []
  for (const [i, part] of parts.entries()) {
    if (ipv4Tail && i === parts.length - 1 && part.includes('.')) {
      const v4 = parseIpv4(part)
      if (!v4) return null
      const [a, b, c, d] = v4 as [number, number, number, number]
      groups.push((a << 8) | b, (c << 8) | d)
    } else if (/^[0-9a-f]{1,4}$/.test(part)) {
      groups.push(Number.parseInt(part, 16))
    } else {
      return null
    }
  }
  return groups
}

/** Keeps the first `prefix` bits. */
function mask(groups: readonly number[], prefix: number): number[] {
  return groups.map((group, i) => {
    const keep = Math.min(16, Math.max(0, prefix - i * 16))
    return keep === 0 ? 0 : group & ((0xffff << (16 - keep)) & 0xffff)
  })
}

/** RFC 5952 §4: lower-case hex, no leading zeros, the first longest run of two or more zero groups as `::`. */
function format(groups: readonly number[]): string {
  let best = -1
  let bestLength = 1
  for (let i = 0; i < 8; ) {
    let end = i
    while (end < 8 && groups[end] === 0) end++
    if (end - i > bestLength) {
      best = i
      bestLength = end - i
    }
    i = end === i ? i + 1 : end
  }
  const hex = groups.map((group) => group.toString(16))
  if (best === -1) return hex.join(':')
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLength).join(':')}`
}
