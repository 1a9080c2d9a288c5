-- Removes an order field only if it still holds the value that was read (repair of an unreadable
-- entry must not remove a good one written meanwhile).
-- KEYS[1] = period key; ARGV[1] = order number; ARGV[2] = the value read
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  return redis.call('HDEL', KEYS[1], ARGV[1])
end
return 0
