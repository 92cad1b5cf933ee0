import { resolve } from 'node:path'
import { CliError } from '../cli-error.js'
import { writePrivateFile } from '../keys/key-set-file.js'
import { parseAlgorithm, parseKid } from '../keys/parse-algorithm.js'
import { publicPathFor } from '../keys/public-path.js'
import { generateSigningKey, type SigningKey } from '../keys/signing-key.js'
import type { Command } from './command.js'

const FORMATS = ['keyset', 'jwk', 'pem'] as const
type Format = (typeof FORMATS)[number]

/** The private and public file contents of `key` in `format`. */
function render(key: SigningKey, format: Format): { secret: string; public: string } {
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`
  switch (format) {
    case 'keyset':
      return { secret: json({ keys: [key.privateJwk] }), public: json({ keys: [key.publicJwk] }) }
    case 'jwk':
      return { secret: json(key.privateJwk), public: json(key.publicJwk) }
    case 'pem':
      return {
        secret: key.privatePem.endsWith('\n') ? key.privatePem : `${key.privatePem}\n`,
        public: key.publicPem.endsWith('\n') ? key.publicPem : `${key.publicPem}\n`,
      }
  }
}

/**
 * `tessera keys generate`: a new JWT signing key pair, written as a key set file (the
 * format the library loads), a bare JWK or PEM, private half mode 0600.
 *
 * @example
 * ```sh
 * tessera keys generate --alg EdDSA --out secrets/jwt-keys.json
 * # writes secrets/jwt-keys.json (private key set) and secrets/jwt-keys.pub.json (public JWKS)
 * ```
 */
export const keysGenerate: Command = {
  words: ['keys', 'generate'],
  summary: 'generate a JWT signing key pair (JWK key set, JWK or PEM)',
  usage:
    'tessera keys generate --alg EdDSA|ES256|RS256 --out FILE [--format keyset|jwk|pem] [--kid K] [--public-out FILE] [--force]',
  description: `Generates a signing key pair (Ed25519 for EdDSA, P-256 for ES256, RSA 2048 for
RS256) and writes the private half to --out and the public half to --public-out
(default: --out with ".pub" before the extension). Files are written with mode 0600
and never overwritten unless --force. "--out -" prints the private half to stdout
instead (for piping into a secret manager); the public half is then written only
with --public-out.

Formats (--format, default keyset):
  keyset  private: {"keys":[JWK]}, the KEY SET FILE the library's JWT sessions load
          (each key a private JWK with kid, alg, use "sig"; the first one signs);
          public: {"keys":[public JWK]}, a JWKS verifiers can use as is
  jwk     private: the private JWK; public: the public JWK
  pem     private: PKCS#8 PEM; public: SPKI PEM

The kid defaults to the key's RFC 7638 thumbprint (SHA-256). Key material is never
printed on the terminal except with "--out -".

Examples:
  tessera keys generate --alg EdDSA --out secrets/jwt-keys.json
  tessera keys generate --alg ES256 --format pem --out secrets/signing.pem --kid 2026-12`,
  options: {
    alg: { type: 'string', arg: 'ALG', help: 'EdDSA, ES256 or RS256 (required)' },
    out: {
      type: 'string',
      arg: 'FILE',
      help: 'where the private half goes ("-" for stdout; required)',
    },
    format: { type: 'string', arg: 'FORMAT', help: 'keyset (default), jwk or pem' },
    kid: { type: 'string', arg: 'K', help: 'key id (default: the RFC 7638 thumbprint)' },
    'public-out': { type: 'string', arg: 'FILE', help: 'where the public half goes' },
    force: { type: 'boolean', help: 'overwrite existing files' },
  },
  positionals: { min: 0, max: 0, names: '' },
  async run(args, io) {
    const v = args.values as Record<string, string | undefined>
    if (v.alg === undefined)
      throw new CliError('usage', '--alg is required (EdDSA, ES256 or RS256)')
    if (v.out === undefined) throw new CliError('usage', '--out FILE is required ("-" for stdout)')
    const alg = parseAlgorithm(v.alg)
    const kid = v.kid === undefined ? undefined : parseKid(v.kid)
    const format = (v.format ?? 'keyset') as Format
    if (!FORMATS.includes(format))
      throw new CliError('usage', `--format must be one of ${FORMATS.join(', ')}`)
    const overwrite = args.values.force === true
    const publicOut = v['public-out'] ?? (v.out === '-' ? undefined : publicPathFor(v.out))
    // Compared as paths: with --force, `./keys.json` for `keys.json` would replace the
    // private half by the public one.
    if (publicOut !== undefined && v.out !== '-' && resolve(publicOut) === resolve(v.out))
      throw new CliError('usage', '--public-out must differ from --out')

    const key = await generateSigningKey(alg, kid)
    const files = render(key, format)
    const written: string[] = []
    if (v.out === '-') {
      io.out(files.secret.trimEnd())
    } else {
      writePrivateFile(v.out, files.secret, { overwrite })
      written.push(`${v.out} (private, ${format})`)
    }
    if (publicOut !== undefined) {
      writePrivateFile(publicOut, files.public, { overwrite })
      written.push(`${publicOut} (public, ${format})`)
    }
    const summary = `generated ${alg} key ${key.kid}${written.length ? `: wrote ${written.join(' and ')}` : ''}`
    // With the key on stdout, the summary must not mix into it.
    if (v.out === '-') io.err(summary)
    else io.out(summary)
  },
}
