import type { AuthUser, UserProvider } from '@tessera/core'

/** A user of the demo: what the auth helpers need and nothing else. */
export type DemoUser = AuthUser

/**
 * The demo's user table, wherever it lives: SQLite under `DATA_DIR` (`SqliteUsers`) or
 * PostgreSQL when `DATABASE_URL` is set (`PostgresUsers`), so that every instance on
 * one database shares its users as it shares sessions. Shaped like Django's `auth_user`
 * (`username`, `password`, `is_active`).
 */
export interface DemoUsers extends UserProvider<DemoUser> {
  /** Adds a user with an already encoded password hash (new, or imported from Django). */
  create(username: string, passwordHash: string): Promise<DemoUser>
  /**
   * Adds the user unless one of that name exists, and says whether this call added it:
   * of several instances seeding at once, exactly one gets `true`.
   */
  createIfAbsent(username: string, passwordHash: string): Promise<boolean>
  setActive(id: string, active: boolean): Promise<void>
  count(): Promise<number>
  /** Releases what the table holds of its own (a shared pool is closed by its owner). */
  close(): void
}
