-- Reads a whole period unless it holds more fields than a limit, so that a huge hash is never sent
-- where a bounded read was asked for.
-- KEYS[1] = period key; ARGV[1] = the most fields to return
-- Returns the HGETALL reply, or {'!too-large', field count}
local n = redis.call('HLEN', KEYS[1])
if n > tonumber(ARGV[1]) then
  return {'!too-large', tostring(n)}
end
return redis.call('HGETALL', KEYS[1])
