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
export { type AnonymousRoutes, resolveAnonymousRoutes } from './http/anonymous-routes.js'
export { applyCommit } from './http/apply-commit.js'
export { resolveBodyLimit } from './http/body-limit.js'
export { bodyTooLargeResponse } from './http/body-too-large-response.js'
export { copyResponseHeaders } from './http/copy-response-headers.js'
export { headersFromRecord } from './http/headers-from-record.js'
export { isSecureRequest } from './http/is-secure-request.js'
export { parsedFormField } from './http/parsed-form-field.js'
export {
  type BodySource,
  declaredTooLarge,
  type NodeReadableBody,
} from './http/read-bounded-body.js'
export { type FormField, isFormContentType, readFormField } from './http/read-form-field.js'
export { shouldCommit } from './http/should-commit.js'
export { unauthenticatedResponse } from './http/unauthenticated-response.js'
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
  prepareNodeResponseGate,
  releaseNodeResponseGate,
  sendNodeResponse,
} from './lifecycle/node-response-gate.js'
export { recordHeader } from './lifecycle/record-header.js'
export type { FinishedRequest, RequestOutcome, RequestScope } from './lifecycle/request-scope.js'
export type { RequestView } from './lifecycle/request-view.js'
export { userOrRefusal } from './lifecycle/user-or-refusal.js'
export { type ResponseTarget, writeResponse } from './lifecycle/write-response.js'
