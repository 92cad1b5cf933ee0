import type { Cluster, Redis } from 'ioredis'

/** A standalone, Sentinel or Cluster client of ioredis. */
export type RedisClient = Redis | Cluster
