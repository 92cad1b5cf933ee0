import { basename, dirname, extname, join } from 'node:path'

/**
 * Where the public half goes when `--public-out` is not given: `.pub` inserted before
 * the extension, beside the private file (`jwt-keys.json` → `jwt-keys.pub.json`,
 * `signing.pem` → `signing.pub.pem`, `key` → `key.pub`).
 *
 * @example
 * ```ts
 * publicPathFor('secrets/jwt-keys.json') // 'secrets/jwt-keys.pub.json'
 * ```
 */
export function publicPathFor(privatePath: string): string {
  const ext = extname(privatePath)
  const stem = basename(privatePath, ext)
  return join(dirname(privatePath), `${stem}.pub${ext}`)
}
