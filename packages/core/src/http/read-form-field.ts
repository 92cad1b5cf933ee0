import { type BodySource, readBoundedBody } from './read-bounded-body.js'

/** What {@link readFormField} found: the field's value (if any), or a body over the limit. */
export type FormField =
  | { readonly tooLarge: false; readonly value: string | undefined }
  | { readonly tooLarge: true }

const URLENCODED = 'application/x-www-form-urlencoded'
// Bodies a browser can send cross-site without a CORS preflight that carry form fields;
// only these are read. JSON clients send the X-CSRFToken header.
const FORM_TYPES: ReadonlySet<string> = new Set([URLENCODED, 'multipart/form-data'])
// The URL Standard's urlencoded parser decodes UTF-8 and keeps a leading BOM.
const keepBom = new TextDecoder('utf-8', { ignoreBOM: true })

/**
 * Whether a `Content-Type` value is one of the form types the CSRF layer reads
 * (`application/x-www-form-urlencoded`, `multipart/form-data`).
 *
 * @example
 * ```ts
 * isFormContentType('application/x-www-form-urlencoded; charset=utf-8') // true
 * ```
 */
export function isFormContentType(type: string | null | undefined): boolean {
  const essence = type?.split(';')[0]?.trim().toLowerCase()
  return essence !== undefined && FORM_TYPES.has(essence)
}

/**
 * Whether `type` is the urlencoded form type as browsers send it (alone, or followed
 * by parameters), where `Response.formData()` runs the urlencoded parser.
 */
function isPlainUrlencoded(type: string): boolean {
  const lower = type.toLowerCase()
  return lower === URLENCODED || lower.startsWith(`${URLENCODED};`)
}

/**
 * Reads one string field of a form body — the CSRF form token (`csrfmiddlewaretoken`)
 * for every adapter — through {@link readBoundedBody}: a body over `limit` answers
 * `tooLarge` without being read further (the adapter then answers `413` before the CSRF
 * check runs). Other content types are not read at all (`value: undefined`); a form
 * that does not parse has no value. Never throws on client input.
 *
 * @example
 * ```ts
 * const form = await readFormField(request.clone(), 'csrfmiddlewaretoken', 64 * 1024)
 * if (form.tooLarge) return bodyTooLargeResponse()
 * ```
 */
export async function readFormField(
  source: BodySource,
  field: string,
  limit: number,
): Promise<FormField> {
  const type = source.headers.get('content-type')
  if (!isFormContentType(type)) return { tooLarge: false, value: undefined }
  const body = await readBoundedBody(source, limit)
  if (body.tooLarge) return body
  if (isPlainUrlencoded(type as string)) {
    // What Response.formData() answers for it, without building a Response and its
    // headers: the form every HTML page posts.
    const value = new URLSearchParams(keepBom.decode(body.bytes)).get(field)
    return { tooLarge: false, value: value ?? undefined }
  }
  try {
    const form = await new Response(body.bytes, {
      headers: { 'content-type': type as string },
    }).formData()
    const value = form.get(field)
    return { tooLarge: false, value: typeof value === 'string' ? value : undefined }
  } catch {
    // A malformed form is a request without a token, not a server error.
    return { tooLarge: false, value: undefined }
  }
}
