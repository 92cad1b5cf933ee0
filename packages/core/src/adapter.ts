/**
 * `@tessera/core/adapter`: the plumbing a framework adapter is built from — the one
 * request lifecycle (`createRequestLifecycle`) and the conversions between Web
 * `Response`s and a framework's own. Apps import `@tessera/core`; adapters import this.
 *
 * @example
 * ```ts
 * import { createRequestLifecycle, writeSessionHeaders } from '@tessera/core/adapter'
 * ```
 *
 * @module
 */
export { copyResponseHeaders } from './http/copy-response-headers.js'
export { headersFromRecord } from './http/headers-from-record.js'
export { type BodySource, declaredTooLarge } from './http/read-bounded-body.js'
export {
  type HeaderWriter,
  type SessionHeaders,
  writeSessionHeaders,
} from './http/write-session-headers.js'
export {
  createRequestLifecycle,
  type RequestLifecycle,
} from './lifecycle/create-request-lifecycle.js'
export { editResponseHeaders } from './lifecycle/edit-response-headers.js'
export type { LifecycleOptions, LoginRequiredOptions } from './lifecycle/lifecycle-options.js'
export {
  gateNodeResponse,
  type NodeResponse,
  type NodeResponseGate,
  nodeResponseGate,
  sendNodeResponse,
} from './lifecycle/node-response-gate.js'
export { recordHeader } from './lifecycle/record-header.js'
export type { FinishedRequest, RequestOutcome, RequestScope } from './lifecycle/request-scope.js'
export type { RequestView } from './lifecycle/request-view.js'
export { userOrRefusal } from './lifecycle/user-or-refusal.js'
export { type ResponseTarget, writeResponse } from './lifecycle/write-response.js'
