import { createHash } from 'node:crypto'
import { corkUntilTurnEnds } from './cork-until-turn-ends.js'
import type { RedisClient } from './redis-client.js'

/** Runs one single-key script: EVALSHA, falling back to EVAL when the server lacks it. */
export type ScriptCall = (key: string, ...args: string[]) => Promise<unknown>

type Invoke = (this: RedisClient, ...keysAndArgs: string[]) => Promise<unknown>

/**
 * Registers `lua` on `client` with `defineCommand` (ioredis sends EVALSHA and falls back
 * to EVAL on NOSCRIPT, per connection, so a restarted or failed-over node is handled)
 * and returns a function calling it with one key. Each call corks a standalone client's
 * socket until the end of the event-loop turn ({@link corkUntilTurnEnds}), so the
 * scripts that the requests of one poll phase run reach Redis as one pipeline.
 *
 * The command name carries a hash of the script: the client belongs to the app and may
 * be shared by several stores or Tessera versions, and none of them can then replace a
 * script another still calls.
 */
export function defineScript(client: RedisClient, label: string, lua: string): ScriptCall {
  const name = `tessera${label}_${createHash('sha1').update(lua).digest('hex').slice(0, 12)}`
  const commands = client as unknown as Record<string, Invoke | undefined>
  if (typeof commands[name] !== 'function') client.defineCommand(name, { lua, numberOfKeys: 1 })
  const invoke = commands[name] as Invoke
  return (key, ...args) => {
    // The scripts of one event-loop turn leave in one system call, as session reads do.
    corkUntilTurnEnds(client)
    return invoke.call(client, key, ...args)
  }
}
