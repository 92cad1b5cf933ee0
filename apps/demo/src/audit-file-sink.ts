import { appendFile } from 'node:fs/promises'
import type { AuditEvent, AuditSink } from '@tessera/core'

/**
 * The demo's audit sink: one JSON object per line, appended to a file (`DATA_DIR/
 * audit.jsonl`), created owner-readable only. Lines carry salted hashes, never ids or
 * tokens (the `AuditTrail` hashed them), so the file can be shipped to a log store as is.
 * The trail sends one event at a time, so lines never interleave.
 *
 * @example
 * ```ts
 * const audit = tessera.auditTrail({ sink: new JsonLinesFileSink(join(dataDir, 'audit.jsonl')) })
 * ```
 */
export class JsonLinesFileSink implements AuditSink {
  constructor(readonly path: string) {}

  async write(event: AuditEvent): Promise<void> {
    await appendFile(this.path, `${JSON.stringify(event)}\n`, { mode: 0o600 })
  }
}
