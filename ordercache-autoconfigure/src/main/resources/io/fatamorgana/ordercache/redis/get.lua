-- Reads one order and the period's load token, unless the order's value is larger than the cache
-- ever writes: such a value is never transferred; it is removed as a broken entry ('!s' and '!v'
-- move on, the period is no longer complete) and the read is a miss. Protocol: docs/protocol.md.
-- KEYS[1] = period key; ARGV[1] = order number; ARGV[2] = the largest value in bytes
-- Returns {found (1/0), value, epoch, sequence, size of a removed value (0 if none)}
local key, field = KEYS[1], ARGV[1]
local size = redis.call('HSTRLEN', key, field)
if size > tonumber(ARGV[2]) then
  remove_broken(key, field)
  local meta = redis.call('HMGET', key, '!e', '!s')
  return {0, '', meta[1] or '0', meta[2] or '0', size}
end
local values = redis.call('HMGET', key, field, '!e', '!s')
return {values[1] and 1 or 0, values[1] or '', values[2] or '0', values[3] or '0', 0}
