import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Redis } from 'ioredis'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { deleteRedisKeys } from '../test-support/delete-redis-keys.js'
import { probePostgres } from '../test-support/postgres-probe.js'
import { pingRedis } from '../test-support/redis-ping.js'
import { serviceGate } from '../test-support/require-service.js'
import { type Run, run, visitServerTwice } from './consumer-project.js'
import {
  collectSnippets,
  docFiles,
  parseContexts,
  toDocLocations,
  type Written,
  writeSnippets,
} from './doc-snippets.js'

// The consumer check: every package packed as `npm pack` packs it for the registry, the
// tarballs installed into a fresh project outside the repository, and that project used
// as a new user would (the README's quickstart, Express + Redis, Fastify + PostgreSQL,
// require() from CommonJS, strict tsc, the `tessera` command, Bun and Deno), and every
// ```ts block of the documentation compiled against it.

const repo = fileURLToPath(new URL('..', import.meta.url))
const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url))
/** Every published package, in build order (each after what it depends on). */
const PACKAGES = [
  'core',
  'password',
  'store-sqlite',
  'store-redis',
  'store-postgres',
  'hono',
  'web',
  'express',
  'fastify',
  'cli',
  'testing',
]
/** The peer dependencies the consumers use, at the versions this repository tests. */
const PEERS = [
  'hono',
  '@hono/node-server',
  'express',
  'fastify',
  'ioredis',
  'pg',
  'better-sqlite3',
  'typescript',
  '@types/node',
  '@types/express',
  '@types/better-sqlite3',
  '@types/pg',
  'vitest',
  'fast-check',
]
const SECRET = 'consumer-check-secret-consumer-check-0123'
const REDIS_URL = process.env.TESSERA_REDIS_URL || 'redis://127.0.0.1:6379'
const PG_URL = process.env.TESSERA_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test'
const redisAt = new URL(REDIS_URL)
const pong = await pingRedis(redisAt.hostname, Number(redisAt.port || 6379))
const redisGate = serviceGate('redis', pong === null, `no PONG from ${REDIS_URL}: ${pong}`)
const pgFailure = await probePostgres(PG_URL)
const pgGate = serviceGate(
  'postgresql',
  pgFailure === null,
  `cannot connect to ${PG_URL}: ${pgFailure}`,
)

const version = (name: string): string =>
  (
    JSON.parse(readFileSync(join(repo, 'node_modules', name, 'package.json'), 'utf8')) as {
      version: string
    }
  ).version

const tmp = mkdtempSync(join(tmpdir(), 'tessera-consumer-'))
/** The fresh project every tarball is installed into. */
const app = join(tmp, 'app')
/** A second project with only @tessera/cli and @tessera/core: no store, no driver. */
const bare = join(tmp, 'cli-only')
const tarballs: Record<string, string> = {}

/**
 * The packages as a fresh clone has them: their tracked (and new, unignored) files, no
 * dist/, beside the repository's tsconfig.base.json and scripts/build.mjs (what each
 * package's `prepack` runs), with the repository's installed
 * dependencies (and @tessera/* pointing at these copies). So `npm pack` must build, and
 * a package whose `prepack` does not build ships no JavaScript.
 */
function stageFreshClone(stage: string): void {
  const listed = execFileSync(
    'git',
    [
      'ls-files',
      '-z',
      '--cached',
      '--others',
      '--exclude-standard',
      '--',
      'tsconfig.base.json',
      'scripts/build.mjs',
      ...PACKAGES.map((p) => `packages/${p}`),
    ],
    { cwd: repo, encoding: 'utf8' },
  )
  for (const file of listed.split('\0').filter(Boolean)) {
    if (!existsSync(join(repo, file))) continue // deleted in the work tree
    mkdirSync(dirname(join(stage, file)), { recursive: true })
    copyFileSync(join(repo, file), join(stage, file))
  }
  writeFileSync(
    join(stage, 'package.json'),
    JSON.stringify({
      name: 'stage',
      private: true,
      workspaces: PACKAGES.map((p) => `packages/${p}`),
    }),
  )
  const modules = join(stage, 'node_modules')
  mkdirSync(join(modules, '@tessera'), { recursive: true })
  for (const entry of readdirSync(join(repo, 'node_modules'))) {
    if (entry !== '@tessera') symlinkSync(join(repo, 'node_modules', entry), join(modules, entry))
  }
  for (const name of PACKAGES) {
    symlinkSync(join(stage, 'packages', name), join(modules, '@tessera', name))
  }
}

const node = process.execPath
const tsc = (...args: string[]) =>
  run(node, [join(app, 'node_modules', 'typescript', 'bin', 'tsc'), ...args], app)
/** Strict compiler options of a consumer on Node: ESM, NodeNext resolution, libraries checked. */
const STRICT = [
  '--strict',
  '--target',
  'es2022',
  '--module',
  'nodenext',
  '--moduleResolution',
  'nodenext',
  '--types',
  'node',
  '--skipLibCheck',
]
let compiled: Run
let misused: Run
let documented: Run
/** The documentation's blocks as compiled, to point tsc's errors back at the Markdown. */
let docSnippets: Written[]

async function npmInstall(dir: string, specs: string[]): Promise<void> {
  mkdirSync(dir, { recursive: true })
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'tessera-consumer', private: true, type: 'module' }, null, 2)}\n`,
  )
  // --ignore-scripts: nothing of ours runs at install; better-sqlite3's own script would
  // compile SQLite from source (its prebuilt binaries are not on the npm registry), so
  // the binary this machine already compiled for the same version is put where that
  // script would put it, below.
  const installed = await run(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', ...specs],
    dir,
    {},
    300_000,
  )
  if (installed.code !== 0) throw new Error(`npm install in ${dir} failed:\n${installed.stderr}`)
}

beforeAll(async () => {
  const started = performance.now()
  const seconds = () => ((performance.now() - started) / 1000).toFixed(0)
  const stage = join(tmp, 'stage')
  stageFreshClone(stage)
  const packed = join(tmp, 'tarballs')
  mkdirSync(packed)
  // One npm for all: each package's prepack runs in its own directory, as on publish.
  // Eleven builds from scratch: on a loaded two-core machine they took over 150 s.
  const out = await run(
    'npm',
    ['pack', '--json', '--workspaces', '--pack-destination', packed],
    stage,
    {},
    420_000,
  )
  if (out.code !== 0) {
    throw new Error(`npm pack failed (exit code ${out.code}):\n${out.stdout}${out.stderr}`)
  }
  for (const info of JSON.parse(out.stdout) as { name: string; filename: string }[]) {
    tarballs[info.name.replace('@tessera/', '')] = join(packed, info.filename)
  }
  expect(Object.keys(tarballs).sort()).toEqual([...PACKAGES].sort())
  const packedAt = seconds()
  await Promise.all([
    npmInstall(app, [
      ...PACKAGES.map((p) => tarballs[p] as string),
      ...PEERS.map((p) => `${p}@${version(p)}`),
    ]),
    npmInstall(bare, [tarballs.cli as string, tarballs.core as string]),
  ])
  const installedAt = seconds()
  const binary = join('build', 'Release', 'better_sqlite3.node')
  mkdirSync(join(app, 'node_modules', 'better-sqlite3', 'build', 'Release'), { recursive: true })
  copyFileSync(
    join(repo, 'node_modules', 'better-sqlite3', binary),
    join(app, 'node_modules', 'better-sqlite3', binary),
  )
  for (const file of readdirSync(fixtures)) copyFileSync(join(fixtures, file), join(app, file))
  const readme = readFileSync(join(repo, 'README.md'), 'utf8')
  const quickstart = /## Quickstart \(Hono\)\n\n```ts\n([\s\S]*?)```/.exec(readme)?.[1]
  if (quickstart === undefined) throw new Error('README.md has no "Quickstart (Hono)" ts block')
  writeFileSync(join(app, 'quickstart.ts'), quickstart)
  const contexts = readFileSync(join(fixtures, 'doc-snippet-contexts.md'), 'utf8')
  docSnippets = writeSnippets(
    join(app, 'doc-snippets'),
    collectSnippets(repo, docFiles(repo)),
    parseContexts(contexts),
  )
  // The consumer's TypeScript, compiled once as a user would (strict, skipLibCheck as
  // most projects have it; types-ok.ts proves the adapters' types are not `any`).
  // Each documentation block is a module of its own (--moduleDetection force).
  ;[compiled, misused, documented] = await Promise.all([
    tsc(...STRICT, '--outDir', 'build', 'quickstart.ts', 'types-ok.ts'),
    tsc(...STRICT, '--noEmit', 'types-misuse.ts'),
    tsc(
      ...STRICT,
      '--noEmit',
      '--moduleDetection',
      'force',
      'doc-snippets/ambient.d.ts',
      ...docSnippets.map((w) => `doc-snippets/${w.name}`),
    ),
  ])
  console.log(
    `consumer check in ${tmp}: packed at ${packedAt} s, installed at ${installedAt} s, compiled at ${seconds()} s`,
  )
}, 720_000)

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true })
})

describe('installed from the tarballs', () => {
  it('a. the README Hono quickstart, compiled by strict tsc, keeps a session across two requests under plain node', async () => {
    expect(compiled.stdout + compiled.stderr).toBe('')
    const visits = await visitServerTwice(node, ['build/quickstart.js'], app, {
      TESSERA_SECRET: SECRET,
      PORT: '0',
    })
    expect(visits.first, visits.output).toEqual({ visits: 1 })
    expect(visits.second, visits.output).toEqual({ visits: 2 })
    expect(existsSync(join(app, 'sessions.sqlite3'))).toBe(true)
  })

  describe.skipIf(redisGate.skip)('b. Express + Redis', () => {
    const prefix = `tessera-consumer-${randomBytes(6).toString('hex')}:`

    it('keeps a session across two requests, stored in Redis', async () => {
      const redis = new Redis(REDIS_URL)
      onTestFinished(async () => {
        await deleteRedisKeys(redis, prefix)
        await redis.quit()
      })
      const visits = await visitServerTwice(node, ['express-redis.mjs'], app, {
        TESSERA_SECRET: SECRET,
        REDIS_URL,
        REDIS_PREFIX: prefix,
      })
      expect(visits.first, visits.output).toEqual({ visits: 1 })
      expect(visits.second, visits.output).toEqual({ visits: 2 })
      expect((await redis.keys(`${prefix}*`)).length).toBeGreaterThan(0)
    })
  })

  describe.skipIf(pgGate.skip)('b. Fastify + PostgreSQL', () => {
    const schema = `tessera_consumer_${randomBytes(6).toString('hex')}`

    it('keeps a session across two requests, stored in PostgreSQL', async () => {
      const pool = new pg.Pool({ connectionString: PG_URL, max: 1 })
      pool.on('error', () => undefined)
      onTestFinished(async () => {
        await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
        await pool.end()
      })
      await pool.query(`CREATE SCHEMA ${schema}`)
      const visits = await visitServerTwice(node, ['fastify-postgres.mjs'], app, {
        TESSERA_SECRET: SECRET,
        DATABASE_URL: PG_URL,
        SESSION_TABLE: `${schema}.sessions`,
      })
      expect(visits.first, visits.output).toEqual({ visits: 1 })
      expect(visits.second, visits.output).toEqual({ visits: 2 })
      const { rows } = await pool.query(`SELECT count(*)::int AS n FROM ${schema}.sessions`)
      expect(rows[0].n).toBe(1)
    })
  })

  it('c. require("@tessera/core") from a CommonJS file works (require(esm), Node >= 20.19)', async () => {
    const out = await run(node, ['require-core.cjs'], app)
    expect(out.code, out.stderr).toBe(0)
    expect(JSON.parse(out.stdout)).toEqual({ SessionManager: 'function', manager: true })
  })

  it('d. strict tsc accepts a consumer of the public types and rejects a misuse', async () => {
    expect(compiled.stdout + compiled.stderr).toBe('')
    expect(compiled.code).toBe(0)
    expect(existsSync(join(app, 'build', 'types-ok.js'))).toBe(true)
    expect(misused.code).not.toBe(0)
    expect(misused.stdout).toMatch(
      /^types-misuse\.ts\(\d+,\d+\): error TS2322: Type 'number \| undefined' is not assignable to type 'string \| undefined'/m,
    )
  })

  it('d. every ts block of the READMEs and guides compiles under strict tsc against the installed packages', () => {
    expect(docSnippets.length).toBeGreaterThan(50)
    expect(toDocLocations(documented.stdout + documented.stderr, docSnippets)).toBe('')
    expect(documented.code).toBe(0)
  })

  it('e. npx tessera --help and tessera clearsessions on SQLite, with no TypeScript loader', async () => {
    const help = await run('npx', ['--no-install', 'tessera', '--help'], app)
    expect(help.code, help.stderr).toBe(0)
    expect(help.stdout).toMatch(/^Usage: tessera <command>/m)
    expect(existsSync(join(app, 'node_modules', 'tsx'))).toBe(false)
    const seeded = await run(node, ['seed-sqlite.mjs', 'cli.sqlite3'], app)
    expect(seeded.code, seeded.stderr).toBe(0)
    const cleared = await run(
      'npx',
      ['--no-install', 'tessera', 'clearsessions', '--store', 'sqlite:cli.sqlite3'],
      app,
    )
    expect(cleared.code, cleared.stderr).toBe(0)
    expect(cleared.stdout).toBe(
      'deleted 1 expired session from sqlite:cli.sqlite3 (table tessera_sessions)\n',
    )
  })

  it('e. without a store package and its driver, tessera says exactly what to install', async () => {
    const out = await run(
      'npx',
      ['--no-install', 'tessera', 'clearsessions', '--store', 'sqlite:x.sqlite3'],
      bare,
    )
    expect(out.code).toBe(1)
    expect(out.stderr).toBe(
      'tessera: SQLite stores need @tessera/store-sqlite and better-sqlite3, which are not installed: npm install @tessera/store-sqlite better-sqlite3\n',
    )
    expect(existsSync(join(bare, 'node_modules', 'better-sqlite3'))).toBe(false)
  })

  it('f. @tessera/web keeps a session across two requests on Bun (Bun.serve)', async () => {
    const visits = await visitServerTwice(
      join(repo, 'node_modules', '.bin', 'bun'),
      ['web-runtime.mjs'],
      app,
    )
    expect(visits.first).toEqual({ visits: 1, runtime: 'bun' })
    expect(visits.second).toEqual({ visits: 2, runtime: 'bun' })
  })

  it('f. @tessera/web keeps a session across two requests on Deno (Deno.serve)', async () => {
    const visits = await visitServerTwice(
      join(repo, 'node_modules', '.bin', 'deno'),
      ['run', '--allow-net', '--allow-env', '--allow-read', 'web-runtime.mjs'],
      app,
      { DENO_NO_UPDATE_CHECK: '1' },
    )
    expect(visits.first).toEqual({ visits: 1, runtime: 'deno' })
    expect(visits.second).toEqual({ visits: 2, runtime: 'deno' })
  })

  it("g. @tessera/testing runs its store suites under the consumer's vitest; @tessera/core has no test-tool peers", async () => {
    const core = JSON.parse(
      readFileSync(join(app, 'node_modules', '@tessera', 'core', 'package.json'), 'utf8'),
    ) as { peerDependencies?: unknown; exports: Record<string, unknown> }
    expect(core.peerDependencies).toBeUndefined()
    expect(Object.keys(core.exports)).toEqual(['.', './adapter'])
    expect(existsSync(join(bare, 'node_modules', 'vitest'))).toBe(false)
    const vitest = join(app, 'node_modules', 'vitest', 'vitest.mjs')
    const out = await run(node, [vitest, 'run', '--reporter=json', 'conformance.test.mjs'], app)
    expect(out.code, out.stderr).toBe(0)
    const report = JSON.parse(out.stdout) as {
      numFailedTests: number
      testResults: { assertionResults: { fullName: string; status: string }[] }[]
    }
    expect(report.numFailedTests).toBe(0)
    const passed = report.testResults
      .flatMap((file) => file.assertionResults)
      .filter((test) => test.status === 'passed')
      .map((test) => test.fullName)
    expect(passed).toContain(
      'installed memory store get and create create then get returns an equal record, every field included',
    )
    expect(passed).toContain(
      'installed memory rate-limit store a parallel burst of 50 reserves exactly max, on the first window',
    )
  })
})
