-- Counts the orders of a period: the hash's fields without the bookkeeping fields !e, !c, !t and !s.
-- KEYS[1] = period key
local n = redis.call('HLEN', KEYS[1])
if n == 0 then
  return 0
end
for _, meta in ipairs(redis.call('HMGET', KEYS[1], '!e', '!c', '!t', '!s')) do
  if meta then
    n = n - 1
  end
end
return n
