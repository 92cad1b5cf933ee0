// A preload for a test's Node process (`--import`, or imported first): registers a resolve
// hook that fails every import of jose, static or dynamic, with "jose was imported". The
// tests that show code running without jose (packages/core/test/package-bundle.test.ts,
// packages/cli/test/sqlite.test.ts) load it.
import { register } from 'node:module'

const hooks = `export async function resolve(specifier, context, next) {
  if (specifier === 'jose') throw new Error('jose was imported')
  return next(specifier, context)
}`

register(`data:text/javascript,${encodeURIComponent(hooks)}`)
