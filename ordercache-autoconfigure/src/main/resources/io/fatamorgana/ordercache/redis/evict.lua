-- Removes one order and leaves a tombstone: for a tombstone TTL, writes of the order are refused,
-- except loads that read the database after this eviction (they carry a later sequence). So an older
-- copy still on its way (a slow load, a delayed write) cannot bring it back. The period is no longer
-- complete, and '!v' remembers the sequence of its last eviction. The key lives at least a tombstone
-- TTL from now (a key in its last tombstone TTL is retired first: see prelude.lua). Constant cost,
-- whatever the number of tombstones. Protocol: docs/protocol.md.
-- KEYS[1] = period key; ARGV[1] = order number; ARGV[2] = tombstone TTL in ms
-- Returns 1 if the order was cached, else 0
local key = KEYS[1]
ensure_hash(key)
local now = now_ms()
local removed = (redis.call('HEXISTS', key, ARGV[1]) == 1) and 1 or 0
retire(key, tonumber(ARGV[2]), now)
redis.call('HDEL', key, '!t')
local sequence = redis.call('HINCRBY', key, '!s', 1)
bury(key, ARGV[1], sequence, tonumber(ARGV[2]), now)
if redis.call('PTTL', key) < tonumber(ARGV[2]) then
  redis.call('PEXPIRE', key, ARGV[2])
end
publish_orders(key, {ARGV[1]})
return removed
