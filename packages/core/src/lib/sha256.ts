import { base64url } from './base64url.js'

const encoder = new TextEncoder()

/** SHA-256 of a UTF-8 string, as unpadded base64url. Web Crypto only. */
export async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(text))
  return base64url(new Uint8Array(digest))
}
