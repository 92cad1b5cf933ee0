/**
 * The request loops `npm run bench:instructions` counts (instructions/request-loop.ts):
 * bare Hono answering `{"user":"bench"}`, and Tessera on Hono reading the same answer from
 * a live session in its `MemoryStore` or a SQLite file.
 */
export const instructionScenarios = ['hono', 'tessera-hono-memory', 'tessera-hono-sqlite'] as const

export type InstructionScenario = (typeof instructionScenarios)[number]
