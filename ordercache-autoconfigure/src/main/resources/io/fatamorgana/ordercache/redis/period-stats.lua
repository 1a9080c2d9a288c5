-- Describes a period: its number of orders (bookkeeping fields not counted), its TTL in ms
-- (-2 when the key does not exist) and whether it is complete.
-- KEYS[1] = period key
local key = KEYS[1]
if redis.call('TYPE', key).ok ~= 'hash' then
  return {0, redis.call('PTTL', key), 0}
end
local n = redis.call('HLEN', key)
local meta = redis.call('HMGET', key, '!e', '!c', '!t', '!s')
for _, value in ipairs(meta) do
  if value then
    n = n - 1
  end
end
return {n, redis.call('PTTL', key), meta[2] and 1 or 0}
