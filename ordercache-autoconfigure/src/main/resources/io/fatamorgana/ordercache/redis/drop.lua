-- Drops every order of a period. The epoch moves on, so that a load that began before the drop is
-- refused whole, and '!d' records until when the drop acts as a tombstone of every order: a delayed
-- write of a committed change made before the drop is refused (and buried) as after an eviction,
-- while loads that read after the drop fill the period again. Constant cost, whatever the period's
-- size. With ARGV[2] = '1' (a replay of "everything" found by SCAN), a key that is not a hash is left
-- alone: it is not ordercache's. Protocol: docs/protocol.md.
-- KEYS[1] = period key; ARGV[1] = tombstone TTL in ms; ARGV[2] = '1' to touch hashes only
-- Returns the number of orders dropped
local key = KEYS[1]
local kind = redis.call('TYPE', key).ok
if ARGV[2] == '1' and kind ~= 'hash' then
  return 0
end
local epoch, orders = 0, 0
if kind == 'hash' then
  epoch = tonumber(redis.call('HGET', key, '!e') or '0') or 0
  orders = order_count(key)
end
drop_period(key, epoch, tonumber(ARGV[1]), now_ms())
return orders
