import { resolve } from 'node:path'
import { CliError } from '../cli-error.js'
import { type KeySet, readKeySet, writePrivateFile } from '../keys/key-set-file.js'
import { parseAlgorithm, parseKid } from '../keys/parse-algorithm.js'
import { generateSigningKey, publicJwkOf, SIGNING_ALGORITHMS } from '../keys/signing-key.js'
import type { Command } from './command.js'

/**
 * `tessera keys rotate --file jwt-keys.json`: a new current signing key at the front of
 * a key set file; the previous current key stays (so JWTs it signed keep verifying)
 * and is stamped with `retiredAt`, seconds since the epoch.
 *
 * @example
 * ```sh
 * tessera keys rotate --file secrets/jwt-keys.json --public-out public/jwks.json
 * ```
 */
export const keysRotate: Command = {
  words: ['keys', 'rotate'],
  summary: 'put a new current key at the front of a key set file, retiring the old one',
  usage: 'tessera keys rotate --file FILE [--alg EdDSA|ES256|RS256] [--kid K] [--public-out FILE]',
  description: `Generates a new signing key and prepends it to the KEY SET FILE --file
({"keys":[JWK, …]}, the first key signs), so it becomes the current signer. The
previous current key stays in the set, so tokens it signed keep verifying, and gets
"retiredAt" (seconds since the epoch) unless it already has one. Older keys are kept
as they are: remove them by hand once no token they signed can still be alive.
The file is rewritten atomically with mode 0600.

--alg defaults to the algorithm of the current key. --public-out writes the public
JWKS of the whole new set ({"keys":[public JWK, …]}), for verifiers; retired keys keep
their "retiredAt", so a verify-only JwtKeySet.fromJson ends their trust after its grace.

Example:
  tessera keys rotate --file secrets/jwt-keys.json --public-out public/jwks.json`,
  options: {
    file: { type: 'string', arg: 'FILE', help: 'the key set file to rotate (required)' },
    alg: {
      type: 'string',
      arg: 'ALG',
      help: 'algorithm of the new key (default: the current key’s)',
    },
    kid: {
      type: 'string',
      arg: 'K',
      help: 'key id of the new key (default: its RFC 7638 thumbprint)',
    },
    'public-out': {
      type: 'string',
      arg: 'FILE',
      help: 'also write the public JWKS of the new set',
    },
  },
  positionals: { min: 0, max: 0, names: '' },
  async run(args, io) {
    const v = args.values as Record<string, string | undefined>
    if (v.file === undefined)
      throw new CliError('usage', '--file FILE is required (a key set file)')
    // The public JWKS written over the key set file would leave no private key at all.
    if (v['public-out'] !== undefined && resolve(v['public-out']) === resolve(v.file))
      throw new CliError('usage', '--public-out must differ from --file')
    const kid = v.kid === undefined ? undefined : parseKid(v.kid)
    let alg = v.alg === undefined ? undefined : parseAlgorithm(v.alg)
    const set = readKeySet(v.file)
    const previous = set.keys[0] as KeySet['keys'][number]
    if (alg === undefined) {
      if (!(SIGNING_ALGORITHMS as readonly string[]).includes(previous.alg)) {
        throw new CliError(
          'usage',
          `the current key's alg is not one of ${SIGNING_ALGORITHMS.join(', ')}: pass --alg`,
        )
      }
      alg = previous.alg as (typeof SIGNING_ALGORITHMS)[number]
    }
    const key = await generateSigningKey(alg, kid)
    if (set.keys.some((k) => k.kid === key.kid)) {
      throw new CliError('usage', `the key set already has a key with kid ${key.kid}`)
    }
    const retiredAt = previous.retiredAt ?? Math.floor(Date.now() / 1000)
    const next: KeySet = {
      keys: [
        key.privateJwk as KeySet['keys'][number],
        { ...previous, retiredAt },
        ...set.keys.slice(1),
      ],
    }
    writePrivateFile(v.file, `${JSON.stringify(next, null, 2)}\n`, { overwrite: true })
    if (v['public-out'] !== undefined) {
      const jwks = { keys: next.keys.map(publicJwkOf) }
      writePrivateFile(v['public-out'], `${JSON.stringify(jwks, null, 2)}\n`, { overwrite: true })
    }
    io.out(
      `rotated ${v.file}: ${alg} key ${key.kid} now signs; ${previous.kid} retired at ${retiredAt}; ${next.keys.length} keys in the set`,
    )
  },
}
