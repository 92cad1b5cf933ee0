import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { ConfigError } from '@tessera/core'
import { CliError, EXIT_OK, EXIT_USAGE, type ExitCode, oneLine } from './cli-error.js'
import type { CliIo } from './cli-io.js'
import { clearsessions } from './commands/clearsessions.js'
import type { Command, OptionSpec } from './commands/command.js'
import { importDjangoUsers } from './commands/import-django-users.js'
import { keysGenerate } from './commands/keys-generate.js'
import { keysRotate } from './commands/keys-rotate.js'
import { migrate } from './commands/migrate.js'
import { sessionsList } from './commands/sessions-list.js'
import { sessionsRevoke } from './commands/sessions-revoke.js'
import { redact } from './output/redact.js'
import { terminalSafe } from './output/terminal-safe.js'

/** Every command, in the order `tessera --help` lists them. */
const COMMANDS: readonly Command[] = [
  clearsessions,
  sessionsList,
  sessionsRevoke,
  keysGenerate,
  keysRotate,
  migrate,
  importDjangoUsers,
]
const GROUPS: Record<string, string> = {
  sessions: 'list and revoke sessions',
  keys: 'generate and rotate JWT signing keys',
}
const HELP: OptionSpec = { type: 'boolean', help: 'show this help' }

/**
 * Runs the `tessera` command line `argv` (without `node` and the script) and answers
 * its exit code: 0 done, 1 the command failed (store unreachable, file unreadable,
 * nothing found), 2 the command line was wrong. Every failure is reported as ONE line
 * on stderr, `tessera: <message>`, without a stack and without anything secret.
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(process.argv.slice(2), processIo())
 * ```
 */
export async function runCli(argv: string[], io: CliIo): Promise<ExitCode> {
  try {
    return await dispatch(argv, io)
  } catch (error) {
    const failure = asCliError(error)
    // A driver message may quote attacker-chosen text (a Django database from elsewhere).
    io.err(`tessera: ${terminalSafe(redact(failure.message))}`)
    return failure.exitCode
  }
}

// A public session id is 22 base64url characters, so one in 64 starts with "-": read as
// short options it would print help (an "h" in it) or fail as usage. Such a word is an
// id, never an option (no option has that shape), so it goes behind "--".
const DASHED_PUBLIC_ID = /^-[A-Za-z0-9_-]{21}$/

/**
 * `argv` with dash-led public ids moved behind a `--` terminator, order kept. A word
 * right after an option that takes a value (`--user -x…`) is that option's value.
 */
function protectIds(argv: string[]): string[] {
  const end = argv.indexOf('--')
  const head = end === -1 ? argv : argv.slice(0, end)
  const tail = end === -1 ? [] : argv.slice(end + 1)
  const options = allOptions()
  const kept: string[] = []
  const ids: string[] = []
  for (const [i, word] of head.entries()) {
    const before = i > 0 ? (head[i - 1] as string) : ''
    const takesValue = before.startsWith('--') && options[before.slice(2)]?.type === 'string'
    if (!takesValue && DASHED_PUBLIC_ID.test(word)) ids.push(word)
    else kept.push(word)
  }
  return ids.length === 0 ? argv : [...kept, '--', ...ids, ...tail]
}

async function dispatch(argv: string[], io: CliIo): Promise<ExitCode> {
  const { positionals, tokens } = parseArgs({
    args: protectIds(argv),
    options: allOptions(),
    strict: false,
    allowPositionals: true,
    tokens: true,
  })
  const wantsHelp = tokens.some((t) => t.kind === 'option' && t.name === 'help')
  const [first, second] = positionals
  if (first === undefined) {
    if (tokens.some((t) => t.kind === 'option' && t.name === 'version')) {
      io.out(VERSION)
      return EXIT_OK
    }
    if (wantsHelp) {
      io.out(topHelp())
      return EXIT_OK
    }
    io.err(topHelp())
    return EXIT_USAGE
  }
  const command =
    COMMANDS.find((c) => c.words.length === 2 && c.words[0] === first && c.words[1] === second) ??
    COMMANDS.find((c) => c.words.length === 1 && c.words[0] === first)
  if (!command) {
    if (first in GROUPS) {
      if (second === undefined || wantsHelp) {
        ;(wantsHelp ? io.out : io.err)(groupHelp(first))
        return wantsHelp ? EXIT_OK : EXIT_USAGE
      }
      throw new CliError(
        'usage',
        `unknown command "${first} ${shown(second)}" (see tessera ${first} --help)`,
      )
    }
    throw new CliError('usage', `unknown command "${shown(first)}" (see tessera --help)`)
  }
  if (wantsHelp) {
    io.out(commandHelp(command))
    return EXIT_OK
  }
  const name = `tessera ${command.words.join(' ')}`
  const values: Record<string, string | boolean | undefined> = {}
  for (const token of tokens) {
    if (token.kind !== 'option') continue
    const spec = command.options[token.name]
    const flag = token.rawName.startsWith('--') ? `--${shown(token.name)}` : shown(token.rawName)
    if (!spec) throw new CliError('usage', `${name} has no option ${flag} (see ${name} --help)`)
    if (spec.type === 'string') {
      if (token.value === undefined)
        throw new CliError('usage', `${flag} needs a value (${name} --help)`)
      values[token.name] = token.value
    } else {
      if (token.inlineValue) throw new CliError('usage', `${flag} takes no value (${name} --help)`)
      values[token.name] = true
    }
  }
  const rest = positionals.slice(command.words.length)
  const { min, max, names } = command.positionals
  if (rest.length < min || rest.length > max) {
    const what = max === 0 ? 'takes no arguments' : `takes ${names}`
    throw new CliError('usage', `${name} ${what} (see ${name} --help)`)
  }
  await command.run({ values, positionals: rest }, io)
  return EXIT_OK
}

/** The union of every command's options: parseArgs must know which ones take values. */
function allOptions(): Record<string, { type: 'string' | 'boolean'; short?: string }> {
  const all: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean' },
  }
  for (const command of COMMANDS) {
    for (const [name, spec] of Object.entries(command.options)) all[name] = { type: spec.type }
  }
  return all
}

function asCliError(error: unknown): CliError {
  if (error instanceof CliError) return error
  // A store's or the keyring's own validation, e.g. a --table that is not an identifier.
  if (error instanceof ConfigError) return new CliError('usage', error.message)
  const message = error instanceof Error ? error.message : String(error)
  return new CliError('failure', oneLine(message) || 'failed')
}

/** A user-typed word, made safe and short enough to quote in an error. */
function shown(word: string): string {
  return terminalSafe(word.length > 40 ? `${word.slice(0, 40)}…` : word)
}

// This package's version, read where the sources are (no build step copies it anywhere).
const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string
  }
).version

const EXIT_CODES = `Exit codes: 0 done; 1 the command failed (store unreachable, missing table or
file, nothing matched); 2 wrong usage (unknown command or option, missing or bad
value, malformed store URL). Errors are one line on stderr.`

function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.words.join(' ').length))
  const lines = COMMANDS.map((c) => `  ${c.words.join(' ').padEnd(width)}  ${c.summary}`)
  return `tessera: operate Tessera session stores and JWT signing keys

Usage: tessera <command> [options]      tessera <command> --help      tessera --version

Commands:
${lines.join('\n')}

Stores are named by URL: --store or $TESSERA_STORE, e.g. sqlite:data/sessions.sqlite3,
redis://127.0.0.1:6379, redis+cluster://10.0.0.1:7000,10.0.0.2:7000,
postgres://user@db/app.

${EXIT_CODES}`
}

function groupHelp(group: string): string {
  const members = COMMANDS.filter((c) => c.words[0] === group && c.words.length === 2)
  return `tessera ${group}: ${GROUPS[group]}

Usage: tessera ${group} <command> [options]

Commands:
${members.map((c) => `  ${(c.words[1] as string).padEnd(10)}  ${c.summary}`).join('\n')}

Run "tessera ${group} <command> --help" for its options.`
}

function commandHelp(command: Command): string {
  const options = Object.entries({ ...command.options, help: HELP }).map(([name, spec]) => {
    const flag = spec.type === 'string' ? `--${name} ${spec.arg ?? 'VALUE'}` : `--${name}`
    return [flag, spec.help] as const
  })
  const width = Math.max(...options.map(([flag]) => flag.length))
  return `Usage: ${command.usage}

${command.description}

Options:
${options.map(([flag, help]) => `  ${flag.padEnd(width)}  ${help}`).join('\n')}

${EXIT_CODES}`
}
