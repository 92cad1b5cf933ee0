import type { ServerResponse } from 'node:http'
import type { HeaderWriter } from '@tessera/core'

/**
 * Node's response header API in the shape of the core's {@link HeaderWriter}, so
 * `writeSessionHeaders` writes onto `res` directly (no `Headers` copy per request).
 * `appendHeader` keeps each `Set-Cookie` as its own header line.
 */
export class NodeHeaderWriter implements HeaderWriter {
  constructor(private readonly res: ServerResponse) {}

  get(name: string): string | undefined {
    const value = this.res.getHeader(name)
    if (value === undefined) return undefined
    return Array.isArray(value) ? value.join(', ') : String(value)
  }

  set(name: string, value: string): void {
    this.res.setHeader(name, value)
  }

  append(name: string, value: string): void {
    this.res.appendHeader(name, value)
  }
}
