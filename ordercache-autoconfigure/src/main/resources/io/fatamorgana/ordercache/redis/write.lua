-- Writes orders into one period's hash, atomically, unless that would make the cache older than the
-- database. Protocol (the rules and why): docs/protocol.md, "Operations".
--  * A write of a committed change (no token): refused while the order has a live tombstone or the
--    period was dropped less than a tombstone TTL ago ('!d') (the copy in the hash is then removed
--    too); refused when the stored copy has a higher version, or a
--    version where the new one has none, and then the stored copy is removed with a tombstone, as by
--    an eviction (the database wins; the next read loads it). Moves the change sequence !s on.
--  * A load (with the token 'epoch.sequence' read before the database): refused whole if the epoch
--    moved; per order refused if a tombstone is newer than the token or the stored copy is newer.
--    With flag 'r' (first chunk of a full load held in memory, or last chunk of a streamed one),
--    when nothing changed since the token, every order of the hash that the load did not find (all
--    its order numbers are given) is removed, so the period ends up holding exactly the database's
--    orders; the copies of the others stay, so the version guard still holds them against delayed
--    older writes. '!r' records the load (sequence:id): loads with an older token are refused from
--    then on. With flag 'c' (last chunk), the period is marked
--    complete only if '!r' is still this load's, no order was evicted since the token and none of
--    this write was refused by a tombstone.
--  * The key's TTL is set when it gets its first order, not renewed by later writes: no copy is
--    older than the TTL. After a committed change the key lives at least a tombstone TTL; a key in
--    its last tombstone TTL is retired first (prelude.lua), so that no copy outlives its TTL. A key
--    never stays without a TTL.
-- KEYS[1] = period key
-- ARGV[1] = TTL in ms; ARGV[2] = load token, or '' for a committed change; ARGV[3] = full-load flags
-- ('r', 'c') and load id, 'rc:<id>';
-- ARGV[4] = version JSON fields, comma separated; ARGV[5] = tombstone TTL in ms; ARGV[6] = K, the
-- number of order numbers the full load found (with 'r'), ARGV[7..6+K] = those order numbers;
-- ARGV[7+K..] = order number, JSON, order number, JSON, ...
-- Returns {written, refused, applied (0 when the epoch moved), replaced (1 when 'r' took effect)}
local key = KEYS[1]
ensure_hash(key)
local loadSequence = nil
if ARGV[2] ~= '' then
  local epoch, sequence = string.match(ARGV[2], '^(%d+)%.(%d+)$')
  if (redis.call('HGET', key, '!e') or '0') ~= epoch then
    return {0, 0, 0, 0}
  end
  loadSequence = tonumber(sequence)
end
local flags, loadId = string.match(ARGV[3], '^(%a*):?(.*)$')
local replacing = loadSequence ~= nil and string.find(flags, 'r', 1, true) ~= nil
local marking = loadSequence ~= nil and string.find(flags, 'c', 1, true) ~= nil
if loadSequence ~= nil then
  -- A full load replaced the orders at a later sequence: what this load read may be older.
  local floor = tonumber(string.match(redis.call('HGET', key, '!r') or '', '^(%d+):') or '0')
  if loadSequence < floor then
    return {0, 0, 0, 0}
  end
end

local keepCount = tonumber(ARGV[6])
local firstOrder = 7 + keepCount
local replaced = 0
local ghosts_removed = {}
if replacing and tonumber(redis.call('HGET', key, '!s') or '0') == loadSequence then
  local keep = {}
  for i = 7, firstOrder - 1 do
    keep[ARGV[i]] = true
  end
  local ghosts = {}
  for _, field in ipairs(redis.call('HKEYS', key)) do
    if string.sub(field, 1, 1) ~= '!' and not keep[field] then
      ghosts[#ghosts + 1] = field
    end
  end
  for from = 1, #ghosts, 1000 do
    redis.call('HDEL', key, unpack(ghosts, from, math.min(from + 999, #ghosts)))
  end
  redis.call('HDEL', key, '!c')
  redis.call('HSET', key, '!r', loadSequence .. ':' .. loadId)
  replaced = 1
  ghosts_removed = ghosts
end
local now = now_ms()
if loadSequence == nil then
  retire(key, tonumber(ARGV[5]), now)
end
local hadOrders = order_count(key) > 0
local change, dropped = nil, false
if loadSequence == nil then
  change = redis.call('HINCRBY', key, '!s', 1)
  -- A drop acts as a tombstone of every order for a tombstone TTL.
  dropped = (tonumber(redis.call('HGET', key, '!d') or '0') or 0) > now
end

-- The version of an order's JSON: a number, a time as a sortable string (ISO-8601, UTC 'Z' or no
-- zone, fraction padded to ns), or nil.
local function version(json)
  local ok, order = pcall(cjson.decode, json)
  if not ok or type(order) ~= 'table' then
    return nil
  end
  for name in string.gmatch(ARGV[4], '[^,]+') do
    local value = order[name]
    if type(value) == 'number' then
      return value
    end
    if type(value) == 'string' then
      local base, fraction = string.match(value, '^(%d%d%d%d%-%d%d%-%d%dT%d%d:%d%d:%d%d)%.?(%d*)Z?$')
      if base then
        return base .. string.sub(fraction .. '000000000', 1, 9)
      end
    end
  end
  return nil
end

-- Whether the stored copy must win over the new one (false when there is none).
local function storedWins(stored, json)
  if not stored then
    return false
  end
  local old, new = version(stored), version(json)
  if old == nil then
    return false
  end
  return new == nil or type(old) ~= type(new) or old > new
end

local fields, written, refused, missing, overwritten = {}, 0, 0, 0, {}
for i = firstOrder, #ARGV, 2 do
  local field, json = ARGV[i], ARGV[i + 1]
  local evictedAt = tombstone(key, field, now)
  local allowed = true
  if change then
    -- A committed change: refused while the order is tombstoned or the cached copy wins; then the
    -- cached copy goes too, as by an eviction at this change's sequence.
    if evictedAt or dropped or storedWins(redis.call('HGET', key, field), json) then
      allowed = false
      bury(key, field, change, tonumber(ARGV[5]), now)
    end
  else
    local stored = redis.call('HGET', key, field)
    if evictedAt and evictedAt > loadSequence then
      -- A load older than an eviction: refused. A copy in the hash was written after the eviction.
      allowed = false
      if not stored then
        missing = missing + 1
      end
    elseif storedWins(stored, json) then
      allowed = false
    elseif stored and stored ~= json then
      -- A load replacing a different copy (the database changed without this cache): near caches
      -- must drop theirs, although the token does not move.
      overwritten[#overwritten + 1] = field
    end
  end
  if allowed then
    fields[#fields + 1] = field
    fields[#fields + 1] = json
    written = written + 1
  else
    refused = refused + 1
  end
end
-- Lua's unpack() returns at most about 8,000 values: set the fields 1,000 orders at a time.
for from = 1, #fields, 2000 do
  redis.call('HSET', key, unpack(fields, from, math.min(from + 1999, #fields)))
end
-- Near caches are told of every committed change (the token moved: all its orders), of ghosts a
-- full load removed and of copies a load replaced.
if change then
  local named = {}
  for i = firstOrder, #ARGV, 2 do
    named[#named + 1] = ARGV[i]
  end
  publish_orders(key, named)
elseif replaced == 1 and #ghosts_removed > 0 then
  for _, field in ipairs(overwritten) do
    ghosts_removed[#ghosts_removed + 1] = field
  end
  publish_orders(key, ghosts_removed)
elseif #overwritten > 0 then
  publish_orders(key, overwritten)
end
local complete = marking and missing == 0
    and redis.call('HGET', key, '!r') == loadSequence .. ':' .. loadId
    and tonumber(redis.call('HGET', key, '!v') or '0') <= loadSequence
if complete then
  redis.call('HSET', key, '!c', '1')
end
local pttl = redis.call('PTTL', key)
if (written > 0 and not hadOrders) or pttl == -1 then
  redis.call('PEXPIRE', key, ARGV[1])
elseif change and pttl < tonumber(ARGV[5]) then
  -- The sequence this change moved on must outlive the loads that read the one before.
  redis.call('PEXPIRE', key, ARGV[5])
end
return {written, refused, 1, replaced}
