-- Removes one order and leaves a tombstone, so that a write of an older copy that is still on its
-- way (a slow load, a delayed write) cannot bring it back for a tombstone TTL. The period is no
-- longer complete. A key that had no TTL gets the tombstone TTL: no key lives without one.
-- KEYS[1] = period key; ARGV[1] = order number; ARGV[2] = tombstone TTL in ms
-- Returns 1 if the order was cached, else 0
local key = KEYS[1]
local kind = redis.call('TYPE', key).ok
if kind ~= 'hash' and kind ~= 'none' then
  redis.call('UNLINK', key)
end
local removed = redis.call('HDEL', key, ARGV[1])
redis.call('HDEL', key, '!c')
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local tombstones = {}
local raw = redis.call('HGET', key, '!t')
if raw then
  local ok, decoded = pcall(cjson.decode, raw)
  if ok and type(decoded) == 'table' then
    for field, expiry in pairs(decoded) do
      if type(expiry) == 'number' and expiry > now then
        tombstones[field] = expiry
      end
    end
  end
end
tombstones[ARGV[1]] = now + tonumber(ARGV[2])
redis.call('HSET', key, '!t', cjson.encode(tombstones))
if redis.call('PTTL', key) < 0 then
  redis.call('PEXPIRE', key, ARGV[2])
end
return removed
