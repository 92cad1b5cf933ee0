import { ConfigError, generateJwtKey, JwtKeySet } from '@tessera/core'
import { withJwks } from '@tessera/web'
import { beforeAll, describe, expect, it } from 'vitest'

let keys: JwtKeySet
beforeAll(async () => {
  keys = await JwtKeySet.fromJson({ keys: [await generateJwtKey('EdDSA', { kid: 'k' })] })
})

describe('withJwks() for fetch handlers', () => {
  it('answers GET and HEAD on the configured path; everything else reaches the handler with its extra arguments', async () => {
    const handler = withJwks(
      keys,
      (_request: Request, env: string) => new Response(`next ${env}`, { status: 404 }),
      {
        path: '/keys.json',
        maxAge: 60,
      },
    )
    const res = await handler(new Request('https://app.test/keys.json'), 'env')
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('public, max-age=60')
    expect(await res.json()).toEqual(keys.jwks())
    expect(
      (await handler(new Request('https://app.test/keys.json', { method: 'HEAD' }), 'env')).status,
    ).toBe(200)
    expect(
      await (
        await handler(new Request('https://app.test/keys.json', { method: 'POST' }), 'env')
      ).text(),
    ).toBe('next env')
    expect(
      await (await handler(new Request('https://app.test/.well-known/jwks.json'), 'env')).text(),
    ).toBe('next env')
  })

  it('refuses bad options at setup', () => {
    expect(() => withJwks(keys, () => new Response(), { maxAge: 1.5 })).toThrow(ConfigError)
  })
})
