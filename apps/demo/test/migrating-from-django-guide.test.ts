import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// docs/guides/migrating-from-django.md points every Django setting and API to a test
// (`file` › `test name`) or an example file. This keeps those pointers true: a renamed
// or removed test, or a moved file, fails here instead of leaving the guide wrong.

const root = fileURLToPath(new URL('../../../', import.meta.url))
const guide = readFileSync(join(root, 'docs/guides/migrating-from-django.md'), 'utf8')

const citations = [...guide.matchAll(/`([\w./-]+\.test\.ts)` › `([^`]+)`/g)].map((m) => ({
  file: m[1] as string,
  name: m[2] as string,
}))
// Repository paths the guide names in backticks (files and folders), tests included.
const paths = [...guide.matchAll(/`((?:apps|packages|e2e|docs|test-support)\/[\w./-]*)`/g)].map(
  (m) => m[1] as string,
)

describe('docs/guides/migrating-from-django.md', () => {
  it('cites tests, and every cited test file holds a test of that name', () => {
    expect(citations.length).toBeGreaterThan(40)
    const missing = citations.filter(({ file, name }) => {
      const path = join(root, file)
      return !existsSync(path) || !readFileSync(path, 'utf8').includes(name)
    })
    expect(missing).toEqual([])
  })

  it('every repository path it names exists', () => {
    expect(paths.filter((path) => !existsSync(join(root, path)))).toEqual([])
  })

  it('maps every Django setting and API the Django packages use', () => {
    for (const name of [
      'SESSION_ENGINE',
      'SESSION_COOKIE_NAME',
      'SESSION_COOKIE_AGE',
      'SESSION_SAVE_EVERY_REQUEST',
      'SESSION_EXPIRE_AT_BROWSER_CLOSE',
      'SESSION_COOKIE_SECURE',
      'SESSION_COOKIE_HTTPONLY',
      'SESSION_COOKIE_SAMESITE',
      'SESSION_COOKIE_DOMAIN',
      'SESSION_COOKIE_PATH',
      'SESSION_SERIALIZER',
      'CSRF_COOKIE_AGE',
      'CSRF_COOKIE_NAME',
      'CSRF_COOKIE_SECURE',
      'CSRF_COOKIE_HTTPONLY',
      'CSRF_HEADER_NAME',
      'CSRF_TRUSTED_ORIGINS',
      'CSRF_USE_SESSIONS',
      'CSRF_FAILURE_VIEW',
      'ALLOWED_HOSTS',
      'clearsessions',
      '`authenticate(request, username, password)`',
      '`login(request, user)`',
      '`logout(request)`',
      '`update_session_auth_hash(request, user)`',
      'DRF `SessionAuthentication`',
      'DRF `IsAuthenticated`',
      '`SessionTokenMiddleware`',
      '`SessionTokenAuthentication`',
      '`{% session_token %}`',
      "`DJANGO_SESSION_JWT['key']`",
      "`DJANGO_SESSION_JWT['fields']`",
      'algorithm setting',
      '`SHARED_SESSION_SITES',
      '`SHARED_SESSION_TIMEOUT',
      '`SHARED_SESSION_ALWAYS_REPLACE',
      '`{% shared_session_loader %}`',
      '`session_replaced`',
    ]) {
      expect(guide, name).toContain(name)
    }
  })
})
