import { demoPath, prepareDemoRequest } from './demo-session.js'
import type { LoadOptions } from './measure.js'
import { prepareRequest } from './session.js'
import type { Target } from './targets.js'

/**
 * The read-path load of `target` served at `baseUrl`: log in where the target keeps a
 * session (the demo through its own API), check the echo, and aim at `GET /` (the demo:
 * `GET /api/hello/`).
 */
export async function prepareRead(
  target: Target,
  baseUrl: string,
): Promise<Omit<LoadOptions, 'durationSeconds'>> {
  if (target.launch === 'demo') {
    return { ...(await prepareDemoRequest(baseUrl)), url: `${baseUrl}${demoPath}` }
  }
  return { ...(await prepareRequest(baseUrl, target.session)), url: `${baseUrl}/` }
}
