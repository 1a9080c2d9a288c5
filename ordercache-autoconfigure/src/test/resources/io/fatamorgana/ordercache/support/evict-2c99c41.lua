-- evict.lua as of commit 2c99c41, before issue 14: every tombstone in one JSON field '!t', decoded and
-- re-encoded by each eviction. Kept only for EvictionCostHarness (the "before" figure).
-- Removes one order and leaves a tombstone: for a tombstone TTL, writes of the order are refused,
-- except loads that read the database after this eviction (they carry a later eviction sequence).
-- So an older copy still on its way (a slow load, a delayed write) cannot bring it back. The
-- period is no longer complete. A key that had no TTL gets the tombstone TTL: no key lives without.
-- KEYS[1] = period key; ARGV[1] = order number; ARGV[2] = tombstone TTL in ms
-- Returns 1 if the order was cached, else 0
local key = KEYS[1]
local kind = redis.call('TYPE', key).ok
if kind ~= 'hash' and kind ~= 'none' then
  redis.call('UNLINK', key)
end
local removed = redis.call('HDEL', key, ARGV[1])
redis.call('HDEL', key, '!c')
local sequence = redis.call('HINCRBY', key, '!s', 1)
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local tombstones = {}
local raw = redis.call('HGET', key, '!t')
if raw then
  local ok, decoded = pcall(cjson.decode, raw)
  if ok and type(decoded) == 'table' then
    for field, tombstone in pairs(decoded) do
      if type(tombstone) == 'table' and tonumber(tombstone[2]) and tombstone[2] > now then
        tombstones[field] = tombstone
      end
    end
  end
end
tombstones[ARGV[1]] = {sequence, now + tonumber(ARGV[2])}
redis.call('HSET', key, '!t', cjson.encode(tombstones))
if redis.call('PTTL', key) < 0 then
  redis.call('PEXPIRE', key, ARGV[2])
end
return removed
