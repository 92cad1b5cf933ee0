import { execFileSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import * as adapterSource from '../src/adapter.js'
import * as indexSource from '../src/index.js'

// What an installed app loads: `@tessera/core` resolved by Node through the package's
// exports map (not vitest's aliases to src/), from the build the global setup just ran.
const repo = fileURLToPath(new URL('../../../', import.meta.url))
const dist = join(repo, 'packages', 'core', 'dist')
// Fails every import of jose in the Node that loads it first.
const refuseJose = pathToFileURL(join(repo, 'test-support', 'refuse-jose.mjs')).href

/** Runs `source` as an ES module in a fresh Node at the repository root and parses its JSON output. */
function inNode<T>(source: string): T {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', source], {
    cwd: repo,
    encoding: 'utf8',
  })
  return JSON.parse(out) as T
}

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return jsFiles(path)
    return entry.name.endsWith('.js') ? [path] : []
  })
}

describe('the @tessera/core package as Node loads it', () => {
  it('resolves both entry points to the bundle', () => {
    const resolved = inNode<string[]>(`
      console.log(JSON.stringify([import.meta.resolve('@tessera/core'), import.meta.resolve('@tessera/core/adapter')]))
    `)
    expect(resolved.map((url) => relative(dist, fileURLToPath(url)))).toEqual([
      join('bundle', 'index.js'),
      join('bundle', 'adapter.js'),
    ])
  })

  it('exports exactly what the sources export, from each entry point', () => {
    const names = inNode<{ index: string[]; adapter: string[] }>(`
      const index = Object.keys(await import('@tessera/core')).sort()
      const adapter = Object.keys(await import('@tessera/core/adapter')).sort()
      console.log(JSON.stringify({ index, adapter }))
    `)
    expect(names.index).toEqual(Object.keys(indexSource).sort())
    expect(names.adapter).toEqual(Object.keys(adapterSource).sort())
  })

  it('gives both entry points one copy of each class: an adapter error is the index ConfigError', () => {
    const result = inNode<{ isConfigError: boolean; message: string }>(`
      const { ConfigError, MemoryStore, SessionManager } = await import('@tessera/core')
      const { createRequestLifecycle } = await import('@tessera/core/adapter')
      const manager = new SessionManager({ store: new MemoryStore(), secret: 'x'.repeat(40) })
      try {
        createRequestLifecycle(manager, { csrf: 'yes' })
        console.log(JSON.stringify({ isConfigError: false, message: 'no error' }))
      } catch (error) {
        console.log(JSON.stringify({ isConfigError: error instanceof ConfigError, message: error.message }))
      }
    `)
    expect(result.isConfigError).toBe(true)
    expect(result.message).toMatch(/csrf/i)
  })

  it('imports jose only for JWTs: sessions with opaque cookies run without it', () => {
    const result = inNode<{ visits: number; jwtKey: string }>(`
      await import(${JSON.stringify(refuseJose)})
      const { MemoryStore, SessionManager, generateJwtKey } = await import('@tessera/core')
      const { withSession } = await import('@tessera/web')
      const manager = new SessionManager({ store: new MemoryStore(), secret: 'x'.repeat(40) })
      const handler = withSession(manager, async (request, { session }) => {
        const visits = ((await session.get('visits')) ?? 0) + 1
        await session.set('visits', visits)
        return Response.json({ visits })
      })
      const first = await handler(new Request('http://localhost/'))
      const cookie = first.headers.get('set-cookie').split(';')[0]
      const second = await handler(new Request('http://localhost/', { headers: { cookie } }))
      let jwtKey = 'made'
      try { await generateJwtKey('EdDSA') } catch (error) { jwtKey = error.message }
      console.log(JSON.stringify({ visits: (await second.json()).visits, jwtKey }))
    `)
    expect(result).toEqual({ visits: 2, jwtKey: 'jose was imported' })
  })

  it('loads as a few modules, built after every compiled module it bundles', () => {
    const bundle = jsFiles(join(dist, 'bundle'))
    // Two entry points and the chunk they share: @tessera/core compiles to ~150 modules.
    expect(bundle.length).toBeLessThanOrEqual(4)
    const compiled = jsFiles(dist).filter((file) => !file.startsWith(join(dist, 'bundle')))
    expect(compiled.length).toBeGreaterThan(100)
    const newestCompiled = Math.max(...compiled.map((file) => statSync(file).mtimeMs))
    const oldestBundled = Math.min(...bundle.map((file) => statSync(file).mtimeMs))
    expect(oldestBundled).toBeGreaterThanOrEqual(newestCompiled)
  })
})
