import { fileURLToPath } from 'node:url'

export type TargetId = 'node-http' | 'hono' | 'tessera-hono' | 'express-session' | 'fastify-session'

/** One server the bench can measure. */
export interface Target {
  /** The name used in BENCH_TARGETS and in results/latest.json; also the file name in servers/. */
  id: TargetId
  /** The name printed in the table. */
  label: string
  /** Absolute path of the server file. */
  file: string
  /** Whether setup must log in (GET /login) and every measured request carry the cookie. */
  session: boolean
}

const serverFile = (id: TargetId): string =>
  fileURLToPath(new URL(`../servers/${id}.ts`, import.meta.url))

/** Every target, in the order the table prints them. */
export const targets: readonly Target[] = [
  { id: 'node-http', label: 'node:http', file: serverFile('node-http'), session: false },
  { id: 'hono', label: 'hono', file: serverFile('hono'), session: false },
  {
    id: 'tessera-hono',
    label: 'tessera (hono + sqlite)',
    file: serverFile('tessera-hono'),
    session: true,
  },
  {
    id: 'express-session',
    label: 'express-session (memory)',
    file: serverFile('express-session'),
    session: true,
  },
  {
    id: 'fastify-session',
    label: '@fastify/session (memory)',
    file: serverFile('fastify-session'),
    session: true,
  },
]

/** Looks a target up by id; throws if there is none (a typo in a test, not user input). */
export function targetById(id: TargetId): Target {
  const target = targets.find((t) => t.id === id)
  if (!target) throw new Error(`unknown target ${id}`)
  return target
}
