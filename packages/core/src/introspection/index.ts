export { introspectSessionJwt, type SessionJwtIntrospection } from './introspect-session-jwt.js'
export {
  type IntrospectionEndpointOptions,
  introspectionEndpoint,
} from './introspection-endpoint.js'
export { MIN_SERVICE_CREDENTIAL_LENGTH, serviceCredentialChecker } from './service-credential.js'
