-- Removes an order field only if it still holds the value that was read (repair of an unreadable or
-- foreign entry must not remove a good one written meanwhile). The period then lacks an order the
-- database may have: it is no longer complete, and a full load whose token is older than this
-- removal cannot mark it complete ('!s' and '!v' move on, no tombstone). Protocol: docs/protocol.md.
-- KEYS[1] = period key; ARGV[1] = order number; ARGV[2] = the value read
local key = KEYS[1]
if redis.call('HGET', key, ARGV[1]) == ARGV[2] then
  redis.call('HDEL', key, '!c')
  redis.call('HSET', key, '!v', redis.call('HINCRBY', key, '!s', 1))
  return redis.call('HDEL', key, ARGV[1])
end
return 0
