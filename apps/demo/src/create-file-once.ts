import { randomBytes } from 'node:crypto'
import { linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs'

/**
 * Creates `file` holding `content` (mode 0600) unless it exists, whole or not at all:
 * written beside it, then linked into place, and a link never replaces a file. So an
 * instance starting at the same moment never reads it half-written, and two first
 * starts on one `DATA_DIR` never replace each other's. Answers what the file holds
 * afterwards: `content`, or what the instance that came first wrote.
 *
 * @example
 * ```ts
 * const secret = createFileOnce('data/secret', `${fresh}\n`).trim()
 * ```
 */
export function createFileOnce(file: string, content: string): string {
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`
  writeFileSync(temp, content, { mode: 0o600, flag: 'wx' })
  try {
    linkSync(temp, file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  } finally {
    rmSync(temp, { force: true })
  }
  return readFileSync(file, 'utf8')
}
