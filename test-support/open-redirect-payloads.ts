/**
 * The open-redirect payloads of SECURITY.md's checklist, for every test of a `next`
 * parameter (`safeRedirectPath`, the demo's login, the shared-session hops): each must
 * fall back to a same-origin path.
 */
export const OPEN_REDIRECT_PAYLOADS: readonly string[] = [
  '//evil.com',
  '/\\evil.com',
  '/%5C/evil.com',
  'https:evil.com',
  'javascript:alert(1)',
  'data:text/html,x',
]
