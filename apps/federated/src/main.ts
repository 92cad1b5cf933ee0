import { serve } from '@hono/node-server'
import { createFederatedApp } from './app.js'
import { loadFederatedConfig } from './config.js'
import { createIntrospectionClient } from './introspection-client.js'
import { createTokenVerifier } from './token-verifier.js'

const config = loadFederatedConfig()
const app = createFederatedApp({
  cookieName: config.cookieName,
  verify: createTokenVerifier({
    keys: config.jwksUrl,
    issuer: config.issuer,
    audience: config.audience,
    typ: config.typ,
    algorithms: config.algorithms,
    jwksMaxAge: config.jwksMaxAge,
  }),
  ...(config.introspectionUrl
    ? {
        introspect: createIntrospectionClient({
          url: config.introspectionUrl,
          secret: config.introspectionSecret as string,
        }),
      }
    : {}),
})

const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, (info) => {
  const shownHost = info.address.includes(':') ? `[${info.address}]` : info.address
  console.log(`Federated service listening on http://${shownHost}:${info.port}`)
  console.log(
    `Trusting ${config.jwksUrl} (iss ${config.issuer}, aud ${config.audience}, refetched every ${config.jwksMaxAge} ms); ${
      config.introspectionUrl ? `introspecting at ${config.introspectionUrl}` : 'JWKS only'
    }`,
  )
})

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => server.close(() => process.exit(0)))
}
