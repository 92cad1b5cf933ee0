/**
 * The request loops `npm run bench:instructions` counts (instructions/request-loop.ts),
 * each answering `GET /` with `{"user":"bench"}`: a bare framework, or Tessera on it
 * reading that answer from a live session. `bare` names the scenario each is compared with.
 */
export const instructionScenarios = {
  hono: { bare: 'hono' },
  'tessera-hono-memory': { bare: 'hono' },
  'tessera-hono-sqlite': { bare: 'hono' },
  'tessera-hono-jwt': { bare: 'hono' },
  fastify: { bare: 'fastify' },
  'tessera-fastify-memory': { bare: 'fastify' },
  express: { bare: 'express' },
  'tessera-express-memory': { bare: 'express' },
} as const

export type InstructionScenario = keyof typeof instructionScenarios

/** Whether `id` names a scenario. */
export function isInstructionScenario(id: string): id is InstructionScenario {
  return Object.hasOwn(instructionScenarios, id)
}
