-- A near cache's read of one order (docs/protocol.md, "Near cache"): get.lua's read, which also
-- makes sure that every later change of the period is published on the near cache's channel, and
-- says how long the key lives. The first such read of a key sets '!n' (the channel) and moves the
-- epoch on to at least the current time in ms, so that the tokens of a key that expired and was
-- made again never repeat those its earlier life published (loads that read the old token are
-- refused whole, as after a drop: they are merely not cached).
-- KEYS[1] = period key; ARGV[1] = order number; ARGV[2] = the largest value in bytes; ARGV[3] = the
-- near cache's channel
-- Returns {found (1/0), value, epoch, sequence, size of a removed value (0 if none), PTTL in ms}
local key, field = KEYS[1], ARGV[1]
if redis.call('TYPE', key).ok ~= 'hash' then
  return {0, '', '0', '0', 0, -2}
end
if redis.call('HGET', key, '!n') ~= ARGV[3] then
  local epoch = tonumber(redis.call('HGET', key, '!e') or '0') or 0
  redis.call('HSET', key, '!n', ARGV[3], '!e', string.format('%d', math.max(epoch + 1, now_ms())))
end
local size = redis.call('HSTRLEN', key, field)
if size > tonumber(ARGV[2]) then
  remove_broken(key, field)
  local meta = redis.call('HMGET', key, '!e', '!s')
  return {0, '', meta[1] or '0', meta[2] or '0', size, redis.call('PTTL', key)}
end
local values = redis.call('HMGET', key, field, '!e', '!s')
return {values[1] and 1 or 0, values[1] or '', values[2] or '0', values[3] or '0', 0, redis.call('PTTL', key)}
