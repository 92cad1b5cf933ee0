import type { CliIo } from '../cli-io.js'

/** How one option of a command is given: `--name value` (string) or `--name` (boolean). */
export interface OptionSpec {
  type: 'string' | 'boolean'
  /** One line for the help text, e.g. `URL   the session store`. */
  help: string
  /** The value's placeholder in help, e.g. `URL`. Strings only. */
  arg?: string
}

/** What a command receives: its options by name and its positional arguments. */
export interface CommandArgs {
  values: Record<string, string | boolean | undefined>
  positionals: string[]
}

/**
 * One command of `tessera` (`clearsessions`, `sessions list`, …): its words, its help,
 * the options and positional arguments it accepts, and what it does. The dispatcher
 * (`runCli`) checks the command line against this before `run` is called, so `run`
 * only sees known options with values of the right type.
 *
 * @example
 * ```ts
 * const hello: Command = {
 *   words: ['hello'],
 *   summary: 'say hello',
 *   usage: 'tessera hello [--loud]',
 *   description: 'Prints a greeting.',
 *   options: { loud: { type: 'boolean', help: 'shout' } },
 *   positionals: { min: 0, max: 0, names: '' },
 *   run: async (args, io) => io.out(args.values.loud ? 'HELLO' : 'hello'),
 * }
 * ```
 */
export interface Command {
  /** The words that name it, e.g. `['sessions', 'list']`. */
  words: string[]
  /** One line for `tessera --help`. */
  summary: string
  /** The synopsis line(s) of its help. */
  usage: string
  /** Paragraphs after the synopsis: what it does, exit codes, examples. */
  description: string
  options: Record<string, OptionSpec>
  positionals: { min: number; max: number; names: string }
  run(args: CommandArgs, io: CliIo): Promise<void>
}
