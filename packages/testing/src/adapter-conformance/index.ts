export type { AdapterApp, AdapterSetupOptions } from './adapter-harness.js'
export type { AdapterRoutes } from './adapter-routes.js'
export {
  type AdapterCaseGroup,
  type AdapterSuiteOptions,
  describeAdapter,
} from './describe-adapter.js'
export { faultyStore, type StoreFault } from './faulty-store.js'
export { hostileCookieHeader } from './hostile-cookie-header.js'
export { parseRawResponse } from './parse-raw-response.js'
export { rawRequest } from './raw-request.js'
