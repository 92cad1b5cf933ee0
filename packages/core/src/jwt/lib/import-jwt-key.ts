import { ConfigError } from '../../errors.js'
import { isJwtAlgorithm, type JwtAlgorithm } from '../jwt-algorithm.js'
import { loadJose } from './load-jose.js'
import { pemAlgorithm } from './pem-algorithm.js'
import { subtleParams } from './subtle-params.js'

/** A public JWK as published in a JWKS: only the public members, plus `kid`, `alg`, `use`. */
export type PublicJwk = Record<string, string>

/** One imported key of a key set. Internal: never leaves the core. */
export interface JwtKeyEntry {
  kid: string
  alg: JwtAlgorithm
  /** Null for a public (verify-only) key. */
  signKey: CryptoKey | null
  verifyKey: CryptoKey
  /** What the JWKS publishes; null for HS256 secrets, which are never published. */
  publicJwk: PublicJwk | null
  /** Seconds since the epoch when the key stopped signing; null while it has not. */
  retiredAt: number | null
}

/** What {@link importJwtKey} reads: the shape of `JwtKeyInput`, still untrusted. */
export interface RawKeyInput {
  key: unknown
  alg?: unknown
  kid?: unknown
  retiredAt?: unknown
}

// RFC 7518 §3.2: an HS256 key must be at least as long as the hash output.
const MIN_SECRET_BYTES = 32
// RFC 8725 §3.5 / NIST: RSA keys under 2048 bits are refused (jose would refuse them
// at the first request; here they fail at startup instead).
const MIN_RSA_BITS = 2048
const MAX_KID_LENGTH = 256

// The public and private members of each key type (RFC 7518 §6). Picking them, rather
// than deleting the private ones, means an unknown private member can never be published.
const PUBLIC_MEMBERS: Record<string, readonly string[]> = {
  RSA: ['n', 'e'],
  EC: ['crv', 'x', 'y'],
  OKP: ['crv', 'x'],
}
const PRIVATE_MEMBERS: Record<string, readonly string[]> = {
  RSA: ['d', 'p', 'q', 'dp', 'dq', 'qi'],
  EC: ['d'],
  OKP: ['d'],
}
// Which key type (and curve) each asymmetric algorithm needs.
const KEY_TYPE: Record<Exclude<JwtAlgorithm, 'HS256'>, { kty: string; crv?: string }> = {
  EdDSA: { kty: 'OKP', crv: 'Ed25519' },
  ES256: { kty: 'EC', crv: 'P-256' },
  RS256: { kty: 'RSA' },
  PS256: { kty: 'RSA' },
}

const encoder = new TextEncoder()

/**
 * Imports one configured key: a PEM (PKCS#8 private or SPKI public, surrounding
 * whitespace allowed), a JWK as a JSON string or an object, or — with `alg: 'HS256'` —
 * a shared secret string. Throws {@link ConfigError} naming `label` and the rule broken,
 * never the key material.
 */
export async function importJwtKey(input: RawKeyInput, label: string): Promise<JwtKeyEntry> {
  if (!input || typeof input !== 'object') throw new ConfigError(`${label} must be an object`)
  const alg = fullySpecified(input.alg)
  if (alg !== undefined && !isJwtAlgorithm(alg)) throw badAlg(label)
  const retiredAt = retired(input.retiredAt, label)
  const key = input.key
  let jwk: Record<string, unknown>
  if (typeof key === 'string') {
    const text = key.trim()
    if (text.startsWith('-----BEGIN')) {
      // django-session-jwt takes a bare key file: the algorithm follows from the key.
      const pemAlg = alg ?? pemAlgorithm(text)
      return fromJwk(await fromPem(text, pemAlg, label), pemAlg, input.kid, retiredAt, label)
    }
    if (text.startsWith('{')) jwk = parseJson(text, label)
    else return secretEntry(encoder.encode(key), alg, input.kid, retiredAt, label)
  } else if (key && typeof key === 'object' && !Array.isArray(key)) {
    jwk = { ...(key as Record<string, unknown>) }
  } else {
    throw new ConfigError(`${label}.key must be a PEM string, a JWK (object or JSON) or a secret`)
  }
  return fromJwk(jwk, alg, input.kid, retiredAt, label)
}

async function fromPem(
  pem: string,
  alg: JwtAlgorithm | undefined,
  label: string,
): Promise<Record<string, unknown>> {
  if (alg === undefined || alg === 'HS256') {
    throw new ConfigError(
      `${label}.alg is required for this PEM key (only Ed25519, EC P-256 and RSA keys are recognised): one of EdDSA, ES256, RS256, PS256`,
    )
  }
  const kind = pem.startsWith('-----BEGIN PRIVATE KEY-----')
    ? 'private'
    : pem.startsWith('-----BEGIN PUBLIC KEY-----')
      ? 'public'
      : null
  if (kind === null) {
    throw new ConfigError(
      `${label}.key is a PEM of an unsupported kind: use PKCS#8 "PRIVATE KEY" or SPKI "PUBLIC KEY" (openssl pkcs8 -topk8 -nocrypt converts the others)`,
    )
  }
  const { exportJWK, importPKCS8, importSPKI } = await loadJose()
  try {
    const cryptoKey =
      kind === 'private'
        ? await importPKCS8(pem, alg, { extractable: true })
        : await importSPKI(pem, alg, { extractable: true })
    return { ...(await exportJWK(cryptoKey)) }
  } catch (cause) {
    throw configError(`${label}.key is not a valid ${kind} ${alg} key in PEM form`, cause)
  }
}

function parseJson(text: string, label: string): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new ConfigError(`${label}.key starts with "{" but is not valid JSON`)
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(`${label}.key must be a JWK object`)
  }
  return value as Record<string, unknown>
}

async function fromJwk(
  jwk: Record<string, unknown>,
  given: JwtAlgorithm | undefined,
  kidOption: unknown,
  retiredAt: number | null,
  label: string,
): Promise<JwtKeyEntry> {
  const { base64url, calculateJwkThumbprint, importJWK } = await loadJose()
  jwk.alg = fullySpecified(jwk.alg)
  if (jwk.alg !== undefined && !isJwtAlgorithm(jwk.alg)) throw badAlg(`${label}.key`)
  if (given !== undefined && jwk.alg !== undefined && given !== jwk.alg) {
    throw new ConfigError(`${label}.alg ("${given}") differs from the JWK's alg ("${jwk.alg}")`)
  }
  if (jwk.use !== undefined && jwk.use !== 'sig') {
    throw new ConfigError(
      `${label}.key has use "${String(jwk.use)}": session JWT keys need use "sig"`,
    )
  }
  const kty = jwk.kty
  const alg =
    given ?? (jwk.alg as JwtAlgorithm | undefined) ?? (kty === 'oct' ? 'HS256' : undefined)
  if (alg === undefined)
    throw new ConfigError(`${label} needs an alg: one of EdDSA, ES256, RS256, PS256, HS256`)
  const kid = kidOption ?? jwk.kid
  if (kty === 'oct') {
    if (alg !== 'HS256')
      throw new ConfigError(`${label}: a symmetric (oct) key needs alg HS256, not ${alg}`)
    if (typeof jwk.k !== 'string') throw new ConfigError(`${label}.key is an oct JWK without "k"`)
    let bytes: Uint8Array
    try {
      bytes = base64url.decode(jwk.k)
    } catch {
      throw new ConfigError(`${label}.key has a "k" that is not base64url`)
    }
    return secretEntry(bytes, alg, kid, retiredAt, label)
  }
  if (alg === 'HS256')
    throw new ConfigError(`${label}: HS256 needs a secret or an oct JWK, not a ${String(kty)} key`)
  const want = KEY_TYPE[alg]
  if (kty !== want.kty || (want.crv !== undefined && jwk.crv !== want.crv)) {
    const needs = want.crv ? `${want.kty} ${want.crv}` : want.kty
    throw new ConfigError(`${label}: ${alg} needs a ${needs} key`)
  }
  const publicMembers = PUBLIC_MEMBERS[kty] as readonly string[]
  const publicJwk: PublicJwk = { kty }
  for (const m of publicMembers) {
    if (typeof jwk[m] !== 'string')
      throw new ConfigError(`${label}.key lacks the JWK member "${m}"`)
    publicJwk[m] = jwk[m] as string
  }
  if (kty === 'RSA') {
    let bits = 0
    try {
      bits = base64url.decode(publicJwk.n as string).length * 8
    } catch {
      // reported just below as too short
    }
    if (bits < MIN_RSA_BITS)
      throw new ConfigError(`${label}: RSA keys need at least ${MIN_RSA_BITS} bits`)
  }
  const isPrivate = jwk.d !== undefined
  let signKey: CryptoKey | null = null
  let verifyKey: CryptoKey
  try {
    if (isPrivate) {
      const privateJwk: Record<string, string> = { ...publicJwk }
      for (const m of PRIVATE_MEMBERS[kty] as readonly string[]) {
        if (typeof jwk[m] === 'string') privateJwk[m] = jwk[m] as string
      }
      signKey = (await importJWK(privateJwk, alg)) as CryptoKey
    }
    verifyKey = (await importJWK(publicJwk, alg)) as CryptoKey
  } catch (cause) {
    throw configError(`${label}.key is not a valid ${alg} JWK`, cause)
  }
  if (signKey) await assertPair(signKey, verifyKey, alg, label)
  const thumbprint = await calculateJwkThumbprint(publicJwk as never)
  const id = kidOf(kid, thumbprint, label)
  return {
    kid: id,
    alg,
    signKey,
    verifyKey,
    publicJwk: { ...publicJwk, kid: id, alg, use: 'sig' },
    retiredAt,
  }
}

async function secretEntry(
  bytes: Uint8Array,
  alg: unknown,
  kidOption: unknown,
  retiredAt: number | null,
  label: string,
): Promise<JwtKeyEntry> {
  if (alg !== 'HS256') {
    throw new ConfigError(
      `${label}.key is neither a PEM nor a JWK; a shared secret needs alg: 'HS256'`,
    )
  }
  if (bytes.length < MIN_SECRET_BYTES) {
    throw new ConfigError(`${label}: an HS256 secret needs at least ${MIN_SECRET_BYTES} bytes`)
  }
  const key = await crypto.subtle.importKey(
    'raw',
    bytes as Uint8Array<ArrayBuffer>,
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign', 'verify'],
  )
  // RFC 7638 thumbprint of the oct JWK: a SHA-256 of the secret, as good as the
  // token's own HMAC at hiding it.
  const { base64url, calculateJwkThumbprint } = await loadJose()
  const thumbprint = await calculateJwkThumbprint({ kty: 'oct', k: base64url.encode(bytes) })
  return {
    kid: kidOf(kidOption, thumbprint, label),
    alg: 'HS256',
    signKey: key,
    verifyKey: key,
    publicJwk: null,
    retiredAt,
  }
}

// A private key whose public half was edited (or mismatched in a hand-made file) would
// sign tokens that no verifier accepts: refuse it at startup.
async function assertPair(
  signKey: CryptoKey,
  verifyKey: CryptoKey,
  alg: JwtAlgorithm,
  label: string,
): Promise<void> {
  const params = subtleParams(alg)
  const data = encoder.encode('tessera key pair check')
  const signature = await crypto.subtle.sign(params, signKey, data)
  if (!(await crypto.subtle.verify(params, verifyKey, signature, data))) {
    throw new ConfigError(`${label}.key: its private and public members do not form one key pair`)
  }
}

function kidOf(kid: unknown, thumbprint: string, label: string): string {
  if (kid === undefined) return thumbprint
  // The kid is echoed in every token header: printable ASCII keeps it harmless in logs.
  if (
    typeof kid !== 'string' ||
    kid.length === 0 ||
    kid.length > MAX_KID_LENGTH ||
    !/^[\x21-\x7e]+$/.test(kid)
  ) {
    throw new ConfigError(`${label}.kid must be 1 to ${MAX_KID_LENGTH} printable ASCII characters`)
  }
  return kid
}

// 9999-12-31T23:59:59Z in seconds. Anything larger is a time in milliseconds
// (`Date.now()` is about 1.8e12): read as seconds it would keep the retired key verifying
// and published for tens of thousands of years.
const MAX_RETIRED_AT = 253_402_300_799

function retired(value: unknown, label: string): number | null {
  if (value === undefined || value === null) return null
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ConfigError(`${label}.retiredAt must be seconds since the epoch`)
  }
  if (value > MAX_RETIRED_AT) {
    throw new ConfigError(
      `${label}.retiredAt must be seconds since the epoch, not milliseconds (at most ${MAX_RETIRED_AT})`,
    )
  }
  return value
}

// RFC 9864 names Ed25519 signatures "Ed25519" (Web Crypto exports Ed25519 JWKs with it);
// tokens keep the older "EdDSA", which every JWT library verifies.
function fullySpecified(alg: unknown): unknown {
  return alg === 'Ed25519' ? 'EdDSA' : alg
}

function badAlg(label: string): ConfigError {
  return new ConfigError(`${label}.alg must be one of EdDSA, ES256, RS256, PS256, HS256`)
}

function configError(message: string, cause: unknown): ConfigError {
  const error = new ConfigError(message)
  // The cause (jose's or Web Crypto's error) names the problem, never the key bytes.
  Object.defineProperty(error, 'cause', { value: cause })
  return error
}
