/** What a response must carry after a request used its session. */
export interface CommitResult {
  /** `Set-Cookie` header values, in order. */
  setCookie: string[]
  /** Add `Vary: Cookie`: the response depends on the session. */
  vary: boolean
  /** Set `Cache-Control: no-store`: the response carries a credential. */
  noStore: boolean
  /**
   * The request header the session was read through (`X-Session-Token`, or
   * `Authorization` for a bearer token), when it was: the response varies on it and is
   * `private, no-store`, since `Vary: Cookie` alone would let a cache hand it to a
   * client without that header.
   */
  viaHeader?: string
}
