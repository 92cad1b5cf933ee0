import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type ServiceProcess, startServiceProcess } from './service-process.js'

const federatedDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'apps', 'federated')

/**
 * Starts the federated service as `npm run federated` runs it (tsx on its sources: it
 * imports nothing from Tessera and has no build), on a free port, with
 * `env` (at least `JWKS_URL`; `INTROSPECTION_URL` and `INTROSPECTION_SECRET` for the
 * introspection mode). Resolves once it printed its listening and trust lines.
 *
 * @example
 * ```ts
 * const federated = await startFederatedProcess({ JWKS_URL: `${demo.url}/.well-known/jwks.json` })
 * await fetch(`${federated.url}/whoami`, { headers: { cookie } })
 * ```
 */
export function startFederatedProcess(
  env: Record<string, string>,
  timeoutMs = 40_000,
): Promise<ServiceProcess> {
  return startServiceProcess(
    federatedDir,
    ['--import', 'tsx', 'src/main.ts'],
    {
      FEDERATED_PORT: '0',
      FEDERATED_HOST: '127.0.0.1',
      INTROSPECTION_URL: '',
      INTROSPECTION_SECRET: '',
      ...env,
    },
    [/listening on (http:\/\/127\.0\.0\.1:\d+)\n/, /Trusting [^\n]*\n/],
    timeoutMs,
  )
}
