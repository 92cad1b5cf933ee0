// Bodies a browser can send cross-site without a CORS preflight that carry form fields;
// only these are parsed for the token. JSON clients send the X-CSRFToken header.
const FORM_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data'])

/**
 * Reads the CSRF form field from a form body, on a clone so the handler can still read
 * the original body. Any other content type, or a body that does not parse, has no token.
 */
export async function formToken(request: Request, field: string): Promise<string | undefined> {
  const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase()
  if (type === undefined || !FORM_TYPES.has(type) || request.bodyUsed) return undefined
  const value = (await request.clone().formData()).get(field)
  return typeof value === 'string' ? value : undefined
}
