import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { lines, tessera } from './support/run-tessera.js'

const PASSWORD = 'hunter2-do-not-print'
const COMMANDS = [
  ['clearsessions'],
  ['sessions', 'list'],
  ['sessions', 'revoke'],
  ['keys', 'generate'],
  ['keys', 'rotate'],
  ['migrate'],
]

/** One line on stderr, `tessera: …`, and nothing secret in it. */
function expectOneLineError(stderr: string): string {
  const all = lines(stderr)
  expect(all).toHaveLength(1)
  const [line] = all as [string]
  expect(line).toMatch(/^tessera: \S/)
  expect(line).not.toContain(PASSWORD)
  expect(line).not.toMatch(/\bat .+:\d+:\d+/) // no stack frame
  return line
}

describe('tessera --help and usage errors (the real binary)', () => {
  it('--help on the top level, every group and every command: exit 0, usage and options on stdout', async () => {
    const top = await tessera(['--help'])
    expect(top.code).toBe(0)
    for (const words of COMMANDS) expect(top.stdout).toContain(`  ${words.join(' ')}`)
    expect(top.stdout).toContain('Exit codes: 0 done; 1 the command failed')

    for (const group of ['sessions', 'keys']) {
      const run = await tessera([group, '--help'])
      expect(run.code).toBe(0)
      expect(run.stdout).toContain(`Usage: tessera ${group} <command>`)
    }
    for (const words of COMMANDS) {
      // -h and --help, before or after other options.
      const run = await tessera([...words, '--store', 'sqlite:nowhere.db', '-h'])
      expect(run.code, words.join(' ')).toBe(0)
      expect(run.stderr).toBe('')
      expect(run.stdout).toContain(`Usage: tessera ${words.join(' ')}`)
      expect(run.stdout).toContain('Options:')
      expect(run.stdout).toContain('--help')
      expect(run.stdout).toContain('Exit codes:')
    }
  })

  it('--version prints the package version', async () => {
    const run = await tessera(['--version'])
    expect(run.code).toBe(0)
    const { version } = JSON.parse(
      readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
    )
    expect(run.stdout).toBe(`${version}\n`)
  })

  it('no command, a group without its command: help on stderr and exit 2', async () => {
    const none = await tessera([])
    expect(none.code).toBe(2)
    expect(none.stdout).toBe('')
    expect(none.stderr).toContain('Usage: tessera <command>')
    const group = await tessera(['keys'])
    expect(group.code).toBe(2)
    expect(group.stderr).toContain('Usage: tessera keys <command>')
  })

  it.each([
    [['frobnicate'], /unknown command "frobnicate"/],
    [['sessions', 'delete'], /unknown command "sessions delete"/],
    [['clearsessions', '--nope'], /tessera clearsessions has no option --nope/],
    [['clearsessions', `--passwd=${PASSWORD}`], /has no option --passwd \(/],
    [['clearsessions', '--store'], /--store needs a value/],
    [['sessions', 'list', '--json=yes'], /--json takes no value/],
    [['clearsessions', 'extra'], /clearsessions takes no arguments/],
    [['sessions', 'revoke'], /give a public session id, or --user ID/],
    [['sessions', 'revoke', 'not-an-id'], /a public session id is 22 characters/],
    [['keys', 'generate', '--out', 'x.json'], /--alg is required/],
    [
      ['keys', 'generate', '--alg', 'HS256', '--out', 'x.json'],
      /--alg must be one of EdDSA, ES256, RS256/,
    ],
    [['keys', 'generate', '--alg', 'none', '--out', 'x.json'], /--alg must be one of/],
    [['keys', 'generate', '--alg', 'EdDSA'], /--out FILE is required/],
    [
      ['keys', 'generate', '--alg', 'EdDSA', '--out', 'k.json', '--format', 'der'],
      /--format must be one of keyset, jwk, pem/,
    ],
    [['keys', 'rotate'], /--file FILE is required/],
    [['clearsessions'], /no store given: pass --store URL or set TESSERA_STORE/],
    [['clearsessions', '--store', ''], /no store given/],
    [
      ['clearsessions', '--store', `mysql://root:${PASSWORD}@db/app`],
      /unsupported store URL scheme "mysql:"/,
    ],
    [
      ['clearsessions', '--store', `redis://:${PASSWORD}@[::1`],
      /the redis:\/\/ store URL is malformed/,
    ],
    [
      ['clearsessions', '--store', `redis+cluster://:${PASSWORD}@a:1,b`],
      /each node of a redis\+cluster:\/\/ store URL must be host:port/,
    ],
    [['clearsessions', '--store', 'sqlite:'], /a sqlite: store URL needs a file path/],
    [
      ['clearsessions', '--store', 'sqlite:x.db', '--prefix', 'p:'],
      /--prefix applies to Redis stores/,
    ],
    [
      ['clearsessions', '--store', 'redis://127.0.0.1:1', '--table', 't'],
      /--table applies to SQLite and PostgreSQL/,
    ],
    [
      ['clearsessions', '--store', 'sqlite:x.db', '--table', 'x; DROP TABLE users'],
      /"table" must match/,
    ],
    [['migrate', '--store', 'redis://127.0.0.1:1'], /migrate is for PostgreSQL stores/],
    [
      ['sessions', 'revoke', 'AAAAAAAAAAAAAAAAAAAAAA', '--store', 'sqlite:x.db'],
      /needs the app secret/,
    ],
  ])('%j is a usage error: exit 2, one line', async (args, message) => {
    const run = await tessera(args)
    expect(run.code).toBe(2)
    expect(run.stdout).toBe('')
    expect(expectOneLineError(run.stderr)).toMatch(message)
  })

  it('a secret shorter than 32 characters is a usage error that does not print it', async () => {
    const run = await tessera(['sessions', 'list', '--store', 'sqlite:x.db'], {
      env: { TESSERA_SECRET: 'short-secret-value' },
    })
    expect(run.code).toBe(2)
    const line = expectOneLineError(run.stderr)
    expect(line).toMatch(/the secret in TESSERA_SECRET is too short/)
    expect(line).not.toContain('short-secret-value')
  })

  it('TESSERA_STORE is the default store URL', async () => {
    const run = await tessera(['clearsessions'], { env: { TESSERA_STORE: 'oracle://x' } })
    expect(run.code).toBe(2)
    expect(expectOneLineError(run.stderr)).toMatch(/unsupported store URL scheme "oracle:"/)
  })
})

describe('tessera: runtime failures exit 1 with one line and no password', () => {
  // A port that accepts connections and closes them at once, and one nothing listens on.
  let slammer: Server
  let slamPort: number
  let closedPort: number
  beforeAll(async () => {
    slammer = createServer((socket) => socket.destroy())
    await new Promise<void>((r) => slammer.listen(0, '127.0.0.1', r))
    slamPort = (slammer.address() as { port: number }).port
    const probe = createServer()
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r))
    closedPort = (probe.address() as { port: number }).port
    await new Promise<void>((r) => probe.close(() => r()))
  })
  afterAll(() => new Promise<void>((r) => slammer.close(() => r())))

  const urls = () =>
    [
      [
        `redis://:${PASSWORD}@127.0.0.1:${closedPort}`,
        /^tessera: cannot connect to redis:\/\/:\*\*\*@127\.0\.0\.1:\d+.*: .*ECONNREFUSED/,
      ],
      [
        `redis+cluster://user:${PASSWORD}@127.0.0.1:${closedPort},127.0.0.1:${slamPort}`,
        /^tessera: cannot connect to redis\+cluster:\/\/user:\*\*\*@127\.0\.0\.1/,
      ],
      [
        `postgres://app:${PASSWORD}@127.0.0.1:${closedPort}/app`,
        /^tessera: cannot use postgres:\/\/app:\*\*\*@127\.0\.0\.1:\d+\/app: .*ECONNREFUSED/,
      ],
      [
        `postgres://app:${PASSWORD}@127.0.0.1:${slamPort}/app`,
        /^tessera: cannot use postgres:\/\/app:\*\*\*@/,
      ],
    ] as const

  it('unreachable Redis, Redis Cluster and PostgreSQL', async () => {
    const runs: [string[], RegExp][] = urls().map(([url, message]) => [
      ['clearsessions', '--store', url],
      message,
    ])
    // Every store command goes through the same opening; two more on one URL show it.
    const [redisUrl, redisMessage] = urls()[0]
    runs.push([['sessions', 'list', '--store', redisUrl], redisMessage])
    runs.push([['sessions', 'revoke', '--user', 'u1', '--store', redisUrl], redisMessage])
    for (const [args, message] of runs) {
      const run = await tessera([...args], { timeoutMs: 20_000 })
      expect(run.code, args.join(' ')).toBe(1)
      expect(run.stdout).toBe('')
      expect(expectOneLineError(run.stderr)).toMatch(message)
    }
  })

  it('a missing SQLite file is a failure, and is not created', async () => {
    const run = await tessera([
      'sessions',
      'list',
      '--store',
      'sqlite:/nonexistent/dir/sessions.sqlite3',
    ])
    expect(run.code).toBe(1)
    expect(expectOneLineError(run.stderr)).toBe(
      'tessera: no SQLite database at /nonexistent/dir/sessions.sqlite3',
    )
  })
})
