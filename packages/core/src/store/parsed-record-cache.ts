import { freezeJson } from '../lib/freeze-json.js'
import type { SessionRecord } from './session-record.js'

interface Held {
  json: string
  /** The times the record was read with, if any (they replace the JSON's). */
  lastSeenAt: number | undefined
  idleExpiresAt: number | undefined
  record: SessionRecord
}

/**
 * For store authors: the records a store parsed last, by session id, each beside the
 * JSON text it was parsed from. When the store reads the same text again, the parsed
 * record is handed out again instead of parsing it anew: `JSON.parse` of a session is
 * the largest cost of a read that waits on nothing else (`SqliteStore.getNow`) or whose
 * wait is shared by many (`RedisStore.getShared`). The text is compared in full, so a
 * record is never older than what the store read. Records are frozen all the way down,
 * as `getNow` and `getShared` may hand them out; `get` must still parse a copy of its own.
 *
 * A store that keeps `lastSeenAt` and `idleExpiresAt` beside the JSON (so that `touch`
 * need not rewrite it) passes the two it read: the record carries them instead of the
 * JSON's, and stays the same object while all three are unchanged.
 *
 * At most `capacity` ids are held; the one held longest makes room.
 *
 * @example
 * ```ts
 * readonly #parsed = new ParsedRecordCache()
 * getNow(id: string): SessionRecord | null {
 *   const json = this.#readRow(id) // the row's text, or undefined
 *   return json === undefined ? null : this.#parsed.read(id, json)
 * }
 * ```
 */
export class ParsedRecordCache {
  readonly #capacity: number
  readonly #entries = new Map<string, Held>()

  /** @param capacity How many sessions to hold at most (about 1 KB each); 4,096 by default. */
  constructor(capacity = 4096) {
    this.#capacity = capacity
  }

  /** How many sessions are held. */
  get size(): number {
    return this.#entries.size
  }

  /** The frozen record of `id` parsed from `json`: the held one when it came from the same text. */
  read(id: string, json: string): SessionRecord
  /** The same, carrying `lastSeenAt` and `idleExpiresAt` instead of the JSON's. */
  read(id: string, json: string, lastSeenAt: number, idleExpiresAt: number): SessionRecord
  read(id: string, json: string, lastSeenAt?: number, idleExpiresAt?: number): SessionRecord {
    const held = this.#entries.get(id)
    if (held !== undefined && held.json === json) {
      if (held.lastSeenAt === lastSeenAt && held.idleExpiresAt === idleExpiresAt) {
        return held.record
      }
      if (lastSeenAt !== undefined) {
        // A touch: the same data, frozen already, under new times.
        held.lastSeenAt = lastSeenAt
        held.idleExpiresAt = idleExpiresAt
        held.record = Object.freeze({
          ...held.record,
          lastSeenAt,
          idleExpiresAt: idleExpiresAt as number,
        })
        return held.record
      }
    }
    const parsed = JSON.parse(json) as SessionRecord
    if (lastSeenAt !== undefined) {
      parsed.lastSeenAt = lastSeenAt
      parsed.idleExpiresAt = idleExpiresAt as number
    }
    const record = freezeJson(parsed)
    if (held !== undefined) {
      held.json = json
      held.lastSeenAt = lastSeenAt
      held.idleExpiresAt = idleExpiresAt
      held.record = record
    } else if (this.#capacity > 0) {
      if (this.#entries.size >= this.#capacity) {
        const oldest = this.#entries.keys().next()
        if (!oldest.done) this.#entries.delete(oldest.value)
      }
      this.#entries.set(id, { json, lastSeenAt, idleExpiresAt, record })
    }
    return record
  }

  /** Forgets the record of `id` (the store deleted the session). */
  forget(id: string): void {
    this.#entries.delete(id)
  }

  /** Forgets every record (the store closed). */
  clear(): void {
    this.#entries.clear()
  }
}
