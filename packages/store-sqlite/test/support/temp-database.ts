import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach } from 'vitest'

/**
 * Registers hooks that give each test of the calling `describe` a fresh folder:
 * `file()` is a database path in it, and whatever `track` was given is closed (newest
 * first) before the folder is deleted.
 */
export function useTempDatabase(prefix = 'tessera-sqlite-') {
  let dir = ''
  const opened: Array<{ close(): unknown }> = []
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix))
  })
  afterEach(async () => {
    for (const closable of opened.splice(0).reverse()) await closable.close()
    await rm(dir, { recursive: true, force: true })
  })
  return {
    file: (name = 'sessions.db'): string => join(dir, name),
    track: <T extends { close(): unknown }>(closable: T): T => {
      opened.push(closable)
      return closable
    },
  }
}
