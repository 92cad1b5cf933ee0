import type { AuditEvent } from './audit-event.js'

/**
 * Where an {@link AuditTrail} sends its events: a file, a log shipper, a table. Events
 * arrive one at a time, in order; the next is not sent before the previous `write`
 * settled. A failing `write` loses that event only (the trail reports it to `onError`
 * and never fails the request that caused it).
 *
 * @example
 * ```ts
 * const lines: string[] = []
 * const sink: AuditSink = { write: (event) => void lines.push(JSON.stringify(event)) }
 * ```
 */
export interface AuditSink {
  write(event: AuditEvent): void | Promise<void>
}
