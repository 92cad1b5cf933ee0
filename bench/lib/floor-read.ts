/**
 * One store read per request and nothing else, for the floor targets (`*-redis-floor`,
 * `hono-postgres-floor`): what any session on that store must do, which the floor apps
 * (`honoReadFloorApp`, `fastifyReadFloorApp`, `expressReadFloorApp`) await per request.
 */
export interface FloorRead {
  /** Reads the one session-shaped entry and answers its user. */
  read(): Promise<string>
  /** Deletes what the floor wrote and closes its client (the server's clean-up on exit). */
  close(): Promise<void>
}
