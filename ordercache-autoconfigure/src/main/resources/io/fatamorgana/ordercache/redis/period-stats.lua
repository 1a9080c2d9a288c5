-- Describes a period: its number of orders, its TTL in ms (-2 when the key does not exist) and
-- whether it is complete. Protocol: docs/protocol.md.
-- KEYS[1] = period key
local key = KEYS[1]
if redis.call('TYPE', key).ok ~= 'hash' then
  return {0, redis.call('PTTL', key), 0}
end
return {order_count(key), redis.call('PTTL', key), redis.call('HEXISTS', key, '!c')}
