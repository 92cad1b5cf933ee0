import type { Keyring } from '../keys/keyring.js'

const PURPOSE = 'tessera.public-session-id'

/**
 * The identifier of a session that may be shown to its user or an operator ("your
 * sessions" screens, `DELETE /api/sessions/<id>/`, the `tessera` command): an HMAC of
 * the store id under the app secret, 22 base64url characters (132 bits). It is not a
 * credential and does not reveal the store id, so printing it, logging it or putting it
 * in a URL gives nobody a way in. Stable for one session while the secret is unchanged.
 *
 * @example
 * ```ts
 * const mine = await publicSessionId(manager.keys, record.id)
 * ```
 */
export async function publicSessionId(keys: Keyring, sessionId: string): Promise<string> {
  return (await keys.sign(PURPOSE, sessionId)).slice(0, 22)
}
