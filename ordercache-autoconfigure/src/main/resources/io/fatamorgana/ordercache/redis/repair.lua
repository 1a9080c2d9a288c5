-- Removes a key that holds something other than a hash (foreign data at a period's key).
-- KEYS[1] = period key
-- Returns 1 if the key was removed
local kind = redis.call('TYPE', KEYS[1]).ok
if kind ~= 'hash' and kind ~= 'none' then
  return redis.call('UNLINK', KEYS[1])
end
return 0
