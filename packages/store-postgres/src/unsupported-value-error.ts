import { TesseraError } from '@tessera/core'

/**
 * Thrown by `PostgresStore.create` and `update` when a record holds a string
 * PostgreSQL cannot store: one containing U+0000 (NUL), which neither `jsonb` nor `text`
 * accepts, or a lone UTF-16 surrogate, which is not Unicode and which the driver would
 * otherwise silently replace by U+FFFD. Nothing is written. Checked before the query,
 * so the record never reaches the database half-valid.
 *
 * A {@link TesseraError} with the code `VALUE_UNSUPPORTED`, like the `ArgumentError`
 * `session.set()` throws for values JSON cannot carry: the value is at fault, not the store. Behind a `SessionManager` it reaches the caller as
 * the `cause` of the `StoreError` that `commit` rejects with. The message never
 * contains the value.
 *
 * @example
 * ```ts
 * try { await store.create(record) } catch (e) {
 *   if (e instanceof UnsupportedValueError) console.warn('session data contains NUL')
 * }
 * ```
 */
export class UnsupportedValueError extends TesseraError {
  constructor() {
    super(
      'VALUE_UNSUPPORTED',
      'Session record contains a NUL character (U+0000) or a lone surrogate in a string; PostgreSQL cannot store it',
    )
  }
}
