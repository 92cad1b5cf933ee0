import { readFormField } from '@tessera/core/adapter'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

const FIELD = 'csrfmiddlewaretoken'
const encoder = new TextEncoder()

/** What the Fetch Standard's `formData()` finds for `field`: the reference. */
async function byFormData(
  bytes: Uint8Array<ArrayBuffer>,
  type: string,
): Promise<string | undefined> {
  try {
    const value = (await new Response(bytes, { headers: { 'content-type': type } }).formData()).get(
      FIELD,
    )
    return typeof value === 'string' ? value : undefined
  } catch {
    return undefined
  }
}

const post = (bytes: Uint8Array<ArrayBuffer>, type: string) =>
  new Request('http://app.test/form', {
    method: 'POST',
    headers: { 'content-type': type },
    body: bytes,
  })

// Names near the field, percent-escapes (valid and not), '+', separators, any text.
const piece = fc.oneof(
  fc.constantFrom(FIELD, 'csrf', `${FIELD}%00`, 'csrfmiddlewar%65token', '\uFEFF', 'a+b'),
  fc.constantFrom('=', '&', '%', '%2', '%zz', '%41', '%C3%A9', '%FF%FE', '%EF%BB%BF', '+'),
  fc.string({ unit: 'binary', maxLength: 12 }),
)
const urlencodedBody = fc.oneof(
  fc.array(piece, { maxLength: 12 }).map((parts) => encoder.encode(parts.join(''))),
  fc.uint8Array({ maxLength: 64 }),
  fc
    .tuple(fc.boolean(), fc.string({ unit: 'binary', maxLength: 40 }))
    .map(([bom, token]) => encoder.encode(`${bom ? '\uFEFF' : ''}note=hi&${FIELD}=${token}`)),
)
const urlencodedType = fc.constantFrom(
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded;charset=UTF-8',
  'Application/X-WWW-Form-URLEncoded; charset=utf-8',
)

describe('readFormField', () => {
  it('finds what Response.formData() finds in any urlencoded body (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(urlencodedBody, urlencodedType, async (bytes, type) => {
        const found = await readFormField(post(bytes, type), FIELD, 64 * 1024)
        expect(found).toEqual({ tooLarge: false, value: await byFormData(bytes, type) })
      }),
      { numRuns: 1000 },
    )
  })

  it('keeps a leading BOM in the first name, as the URL Standard parser does', async () => {
    const type = 'application/x-www-form-urlencoded'
    const bom = encoder.encode(`\uFEFF${FIELD}=a`)
    expect(await readFormField(post(bom, type), FIELD, 1024)).toEqual({
      tooLarge: false,
      value: undefined,
    })
    const second = encoder.encode(`\uFEFFx=1&${FIELD}=a%2Bb+c`)
    expect(await readFormField(post(second, type), FIELD, 1024)).toEqual({
      tooLarge: false,
      value: 'a+b c',
    })
  })

  it('reads multipart and unusual spellings of the form types through formData()', async () => {
    const form = new FormData()
    form.set(FIELD, 'tok')
    const multipart = new Request('http://app.test/form', { method: 'POST', body: form })
    expect(await readFormField(multipart, FIELD, 64 * 1024)).toEqual({
      tooLarge: false,
      value: 'tok',
    })
    const spaced = encoder.encode(`${FIELD}=tok`)
    const type = 'application/x-www-form-urlencoded ; charset=utf-8'
    expect(await readFormField(post(spaced, type), FIELD, 1024)).toEqual({
      tooLarge: false,
      value: await byFormData(spaced, type),
    })
  })
})
