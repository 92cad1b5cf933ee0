export {
  createSessionJwtVerifier,
  type SessionJwtClaims,
  type SessionJwtVerifierOptions,
} from './create-session-jwt-verifier.js'
export { generateJwtKey, type JwtPrivateJwk } from './generate-jwt-key.js'
export {
  JWKS_PATH,
  type JwksOptions,
  type JwksSource,
  jwksResponse,
  resolveJwksOptions,
} from './jwks-response.js'
export { JWT_ALGORITHMS, type JwtAlgorithm } from './jwt-algorithm.js'
export {
  type JsonWebKeySet,
  type JwtKeyInput,
  JwtKeySet,
  type JwtKeySetOptions,
} from './jwt-key-set.js'
export type { JwtSessionOptions } from './jwt-session-options.js'
export { JWT_SESSION_KEY } from './session-jwt-codec.js'
