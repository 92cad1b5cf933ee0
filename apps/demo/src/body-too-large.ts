/**
 * Why `ApiRequest.json()` rejected: the body went over the API's limit (64 KiB,
 * `DEFAULT_BODY_LIMIT`) and was not read further. `readJsonObject` answers it `413`.
 *
 * @example
 * ```ts
 * try { await request.json() } catch (e) { if (e instanceof BodyTooLarge) return json({ detail: 'Request body too large.', code: 'BODY_TOO_LARGE' }, 413) }
 * ```
 */
export class BodyTooLarge extends Error {
  constructor() {
    super('Request body too large.')
    this.name = 'BodyTooLarge'
  }
}
