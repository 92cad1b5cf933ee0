import { freezeJson, type SessionRecord } from '@tessera/core'

/**
 * The records `getNow` parsed last, by session id, each beside the JSON text it was
 * parsed from: when the row still holds that exact text, the parsed record is handed out
 * again instead of parsing it anew (`JSON.parse` of a session row costs more than the
 * indexed read inside a shared read transaction). The text is compared in full, so a
 * record is never older than its row. Records are frozen all the way down, as
 * `getNow`'s contract allows; `get` parses a copy of its own.
 *
 * At most `capacity` ids are held; the one held longest makes room.
 */
export class ParsedRecords {
  readonly #capacity: number
  readonly #entries = new Map<string, { json: string; record: SessionRecord }>()

  constructor(capacity: number) {
    this.#capacity = capacity
  }

  /** The record of `id` whose row's text is `json`: the held one if it is the same text. */
  read(id: string, json: string): SessionRecord {
    const held = this.#entries.get(id)
    if (held !== undefined && held.json === json) return held.record
    const record = freezeJson(JSON.parse(json) as SessionRecord)
    if (held !== undefined) {
      held.json = json
      held.record = record
      return record
    }
    if (this.#entries.size >= this.#capacity) {
      this.#entries.delete(this.#entries.keys().next().value as string)
    }
    this.#entries.set(id, { json, record })
    return record
  }

  /** Forgets every record (the store closed). */
  clear(): void {
    this.#entries.clear()
  }
}
