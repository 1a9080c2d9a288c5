-- Removes an order field only if it still holds the value that was read (repair of an unreadable or
-- foreign entry must not remove a good one written meanwhile), as prelude.lua's remove_broken.
-- Protocol: docs/protocol.md.
-- KEYS[1] = period key; ARGV[1] = order number; ARGV[2] = the value read
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  return remove_broken(KEYS[1], ARGV[1])
end
return 0
