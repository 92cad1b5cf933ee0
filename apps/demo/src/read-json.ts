import type { ApiRequest, ApiResult } from './api-handler.js'
import { json } from './api-handler.js'
import { BodyTooLarge } from './body-too-large.js'

/**
 * The request's JSON body as an object of untrusted fields (`{}` when the JSON is not an
 * object, so each field check answers 400), or the answer to send instead: `415` for
 * anything but `application/json` — a cross-site form can send text/plain or urlencoded
 * bodies without a preflight, never JSON — `413` for a body over 64 KiB (not read
 * further) and `400` for malformed JSON.
 *
 * @example
 * ```ts
 * const body = await readJsonObject(request)
 * if (!body.ok) return body.result
 * const { password } = body.fields
 * ```
 */
export async function readJsonObject(
  request: ApiRequest,
): Promise<{ ok: true; fields: Record<string, unknown> } | { ok: false; result: ApiResult }> {
  const type = request.header('content-type') ?? ''
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    const detail = 'Unsupported media type in request; send application/json.'
    return { ok: false, result: json({ detail }, 415) }
  }
  let body: unknown
  try {
    body = await request.json()
  } catch (e) {
    if (e instanceof BodyTooLarge) {
      const tooLarge = { detail: 'Request body too large.', code: 'BODY_TOO_LARGE' }
      return { ok: false, result: json(tooLarge, 413, { Connection: 'close' }) }
    }
    return { ok: false, result: json({ detail: 'JSON parse error.' }, 400) }
  }
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {}
  return { ok: true, fields }
}
