-- Drops every order of a period and moves its epoch on, so that a load that began before the drop
-- is refused. Only the epoch stays, for a tombstone TTL.
-- KEYS[1] = period key; ARGV[1] = tombstone TTL in ms
-- Returns the number of orders dropped
local key = KEYS[1]
local epoch, orders = 0, 0
if redis.call('TYPE', key).ok == 'hash' then
  epoch = tonumber(redis.call('HGET', key, '!e') or '0') or 0
  orders = redis.call('HLEN', key)
  for _, meta in ipairs(redis.call('HMGET', key, '!e', '!c', '!t', '!s')) do
    if meta then
      orders = orders - 1
    end
  end
end
redis.call('UNLINK', key)
redis.call('HSET', key, '!e', epoch + 1)
redis.call('PEXPIRE', key, ARGV[1])
return orders
