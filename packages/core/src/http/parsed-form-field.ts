import { isFormContentType } from './read-form-field.js'

/**
 * One string field of a body a framework's parser already read (Express's
 * `express.urlencoded()`, `@fastify/formbody`): the CSRF form token. Only a form content
 * type counts — a JSON body's field is not a form field a browser could have sent
 * cross-site. Anything else — no body, not an object, not a string — is `undefined`.
 * Never throws.
 *
 * @example
 * ```ts
 * const token = parsedFormField(req.headers['content-type'], req.body, 'csrfmiddlewaretoken')
 * ```
 */
export function parsedFormField(
  contentType: string | null | undefined,
  body: unknown,
  field: string,
): string | undefined {
  if (!isFormContentType(contentType)) return undefined
  if (typeof body !== 'object' || body === null) return undefined
  const value = Object.hasOwn(body, field) ? (body as Record<string, unknown>)[field] : undefined
  return typeof value === 'string' ? value : undefined
}
