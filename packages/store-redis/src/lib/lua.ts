/**
 * The Lua scripts of the Redis stores. Every script touches exactly one key (`KEYS[1]`),
 * so each runs atomically on whichever Cluster node owns that key's slot.
 *
 * Times arrive as `ARGV` strings from the store's clock, never from Redis `TIME`: the
 * store's clock decides what is live (tests drive it by hand), and TTLs are set as the
 * time left by that clock (`PEXPIRE`), so they also hold when Redis's clock disagrees.
 * Numbers go back to Redis through `string.format`, because Lua's default conversion
 * (`%.14g`) would round large values.
 *
 * Session hash fields: `rec` (record JSON, verbatim), `ver`, `seen` (lastSeenAt),
 * `idle` (idleExpiresAt), `abs` (absoluteExpiresAt), `uid` (absent for anonymous),
 * `isc` (the user-index score this record's owner was last indexed with).
 */

/** Shared by the writing scripts: replaces the whole hash and sets its TTL. */
const WRITE = `
local function ttl_of(expires, now)
  return math.ceil(expires - now)
end
local function write(key, now, a)
  -- a: rec, ver, seen, idle, abs, uid ('' for none), isc ('' for none)
  redis.call('DEL', key)
  local ttl = ttl_of(math.min(tonumber(a[4]), tonumber(a[5])), now)
  if ttl <= 0 then return end
  local fields = {'rec', a[1], 'ver', a[2], 'seen', a[3], 'idle', a[4], 'abs', a[5]}
  if a[6] ~= '' then
    fields[#fields + 1] = 'uid'
    fields[#fields + 1] = string.sub(a[6], 2)
  end
  if a[7] ~= '' then
    fields[#fields + 1] = 'isc'
    fields[#fields + 1] = a[7]
  end
  redis.call('HSET', key, unpack(fields))
  redis.call('PEXPIRE', key, string.format('%d', ttl))
end
local function live(idle, abs, now)
  return idle and now < math.min(tonumber(idle), tonumber(abs))
end
`

/**
 * Insert-if-absent. KEYS: session. ARGV: now, rec, ver, seen, idle, abs, uid, isc.
 * Returns 1 when written, 0 when a live record holds the id. An expired one is replaced.
 */
export const CREATE = `${WRITE}
local now = tonumber(ARGV[1])
local cur = redis.call('HMGET', KEYS[1], 'idle', 'abs')
if live(cur[1], cur[2], now) then return 0 end
write(KEYS[1], now, {ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8]})
return 1
`

/**
 * Compare-and-set. KEYS: session. ARGV: now, expectedVersion, rec, ver, seen, idle, abs,
 * uid, isc. Returns {'ok', previousUid|nil, previousIsc|nil}, {'conflict'} or {'missing'}.
 */
export const UPDATE = `${WRITE}
local now = tonumber(ARGV[1])
local cur = redis.call('HMGET', KEYS[1], 'ver', 'idle', 'abs', 'uid', 'isc')
if not live(cur[2], cur[3], now) then return {'missing'} end
if tonumber(cur[1]) ~= tonumber(ARGV[2]) then return {'conflict'} end
write(KEYS[1], now, {ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9]})
return {'ok', cur[4], cur[5]}
`

/**
 * Sliding expiry without a version change. KEYS: session. ARGV: now, lastSeenAt,
 * idleExpiresAt, expectedUid ('' for anonymous, else '=' .. uid), isc ('' for none),
 * expectedVersion ('' for any). Returns {'ok'}, {'missing'}, {'conflict'} when `ver` is
 * not the expected version (nothing changed), or {'moved', uid|nil} when the owner is
 * not the expected one (the caller indexes that owner first and calls again).
 */
export const TOUCH = `${WRITE}
local now = tonumber(ARGV[1])
local cur = redis.call('HMGET', KEYS[1], 'idle', 'abs', 'uid', 'ver')
if not live(cur[1], cur[2], now) then return {'missing'} end
if ARGV[6] ~= '' and tonumber(cur[4]) ~= tonumber(ARGV[6]) then return {'conflict'} end
local owner = cur[3] and ('=' .. cur[3]) or ''
if owner ~= ARGV[4] then return {'moved', cur[3]} end
redis.call('HSET', KEYS[1], 'seen', ARGV[2], 'idle', ARGV[3])
if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'isc', ARGV[5]) end
local ttl = ttl_of(math.min(tonumber(ARGV[3]), tonumber(cur[2])), now)
if ttl <= 0 then
  redis.call('DEL', KEYS[1])
else
  redis.call('PEXPIRE', KEYS[1], string.format('%d', ttl))
end
return {'ok'}
`

/** Deletes a session. KEYS: session. Returns its uid, or nil. */
export const DELETE = `
local uid = redis.call('HGET', KEYS[1], 'uid')
redis.call('DEL', KEYS[1])
return uid
`

/**
 * Deletes a session only when it belongs to the user. KEYS: session. ARGV: userId, now.
 * Returns 1 (was live, deleted), 0 (was expired, deleted) or -1 (not this user's).
 */
export const DELETE_IF_OWNER = `
local cur = redis.call('HMGET', KEYS[1], 'uid', 'idle', 'abs')
if cur[1] ~= ARGV[1] then return -1 end
redis.call('DEL', KEYS[1])
if tonumber(ARGV[2]) < math.min(tonumber(cur[2]), tonumber(cur[3])) then return 1 end
return 0
`

/**
 * Indexes a session under its user before the session is written. KEYS: index.
 * ARGV: id, expiresAt (an upper bound of the session's expiry), now.
 *
 * Drops members whose score has passed (their sessions are dead), then sets the score
 * to max(old + 1, expiresAt): never below the session's expiry, and never the same
 * value twice, so a conditional removal (REMOVE_IF_SCORE) can tell whether anyone
 * indexed the session again since. The key lives as long as its latest member.
 * Returns the new score as an exact string, or nil when expiresAt has already passed.
 */
export const INDEX_ADD = `
local now = tonumber(ARGV[3])
local expires = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
if expires <= now then return false end
local old = redis.call('ZSCORE', KEYS[1], ARGV[1])
local score = expires
if old then score = math.max(tonumber(old) + 1, expires) end
local exact = string.format('%.17g', score)
redis.call('ZADD', KEYS[1], exact, ARGV[1])
local top = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIRE', KEYS[1], string.format('%d', math.ceil(tonumber(top[2]) - now)))
return exact
`

/**
 * Removes a member only when its score is still the one the caller saw recorded.
 * KEYS: index. ARGV: id, score. Returns 1 when removed.
 */
export const INDEX_REMOVE_IF_SCORE = `
local cur = redis.call('ZSCORE', KEYS[1], ARGV[1])
if cur and tonumber(cur) == tonumber(ARGV[2]) then
  redis.call('ZREM', KEYS[1], ARGV[1])
  return 1
end
return 0
`

/** Drops dead members and lists the rest. KEYS: index. ARGV: now. */
export const INDEX_LIST = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
return redis.call('ZRANGE', KEYS[1], 0, -1)
`

/**
 * One fixed-window hit. KEYS: counter. ARGV: now, windowMs, resetAt (now + windowMs).
 * A window that ended by the caller's clock starts over. Returns {count, resetAt}.
 */
export const RATE_LIMIT_HIT = `
local cur = redis.call('HMGET', KEYS[1], 'c', 'r')
if cur[1] and tonumber(ARGV[1]) < tonumber(cur[2]) then
  return {redis.call('HINCRBY', KEYS[1], 'c', 1), cur[2]}
end
redis.call('HSET', KEYS[1], 'c', 1, 'r', ARGV[3])
redis.call('PEXPIRE', KEYS[1], string.format('%d', math.max(1, math.ceil(tonumber(ARGV[2])))))
return {1, ARGV[3]}
`

/**
 * KEYS[1] the counter hash; ARGV: now, windowMs, resetAt of a new window, max. Counts one
 * event only while the live window holds fewer than max; answers {reserved (1|0),
 * count, resetAt}. A refused call changes nothing.
 */
export const RATE_LIMIT_RESERVE = `
local cur = redis.call('HMGET', KEYS[1], 'c', 'r')
if cur[1] and tonumber(ARGV[1]) < tonumber(cur[2]) then
  if tonumber(cur[1]) >= tonumber(ARGV[4]) then return {0, tonumber(cur[1]), cur[2]} end
  return {1, redis.call('HINCRBY', KEYS[1], 'c', 1), cur[2]}
end
redis.call('HSET', KEYS[1], 'c', 1, 'r', ARGV[3])
redis.call('PEXPIRE', KEYS[1], string.format('%d', math.max(1, math.ceil(tonumber(ARGV[2])))))
return {1, 1, ARGV[3]}
`

/**
 * KEYS[1] the counter hash; ARGV[1] the resetAt of the window the event was reserved
 * in. Takes one back only from that same window and never below zero; a window left
 * counting nothing is deleted.
 */
export const RATE_LIMIT_RELEASE = `
local cur = redis.call('HMGET', KEYS[1], 'c', 'r')
if cur[1] and cur[2] == ARGV[1] and tonumber(cur[1]) > 0 then
  if redis.call('HINCRBY', KEYS[1], 'c', -1) <= 0 then redis.call('DEL', KEYS[1]) end
end
return 0
`
