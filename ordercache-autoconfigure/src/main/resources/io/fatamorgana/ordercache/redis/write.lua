-- Writes orders into one period's hash and sets its TTL, atomically, unless that would make the
-- cache older than the database:
--  * an order whose stored copy has a newer version is left alone (version guard);
--  * an evicted order is not written while its tombstone lasts, except by a load that read the
--    database after the eviction; a refused order is removed, since the copy in the hash may be
--    older than the refused one, and the period is no longer complete (the hash may lack an order
--    the database has);
--  * a load whose period was dropped since it read (epoch changed) is refused whole;
--  * a load marks the period complete only if no order of it was evicted since its token.
-- A write of a committed change moves the change sequence !s on, so that the load token of every
-- later read differs from that of every earlier one (single-flight compares them).
-- The protocol: docs/protocol.md.
-- KEYS[1] = period key
-- ARGV[1] = TTL in ms; ARGV[2] = load token 'epoch.sequence' read before loading, or '' for a write
-- of a committed change; ARGV[3] = '1' to mark the period complete; ARGV[4] = version JSON fields,
-- comma separated; ARGV[5..] = order number, JSON, order number, JSON, ...
-- Returns {written, refused, applied (1, or 0 when the epoch changed)}
local key = KEYS[1]
local kind = redis.call('TYPE', key).ok
if kind ~= 'hash' and kind ~= 'none' then
  redis.call('UNLINK', key)
end
local loadSequence = nil
if ARGV[2] ~= '' then
  local epoch, sequence = string.match(ARGV[2], '^(%d+)%.(%d+)$')
  if (redis.call('HGET', key, '!e') or '0') ~= epoch then
    return {0, 0, 0}
  end
  loadSequence = tonumber(sequence)
end

local tombstones, now = nil, 0
local raw = redis.call('HGET', key, '!t')
if raw then
  local ok, decoded = pcall(cjson.decode, raw)
  if ok and type(decoded) == 'table' then
    tombstones = decoded
    local time = redis.call('TIME')
    now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
  end
end

local function tombstoned(field)
  local tombstone = tombstones and tombstones[field]
  if type(tombstone) ~= 'table' or not (tonumber(tombstone[2]) and tombstone[2] > now) then
    return false
  end
  return loadSequence == nil or tombstone[1] > loadSequence
end

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
      local base, fraction = string.match(value, '^(%d%d%d%d%-%d%d%-%d%dT%d%d:%d%d:%d%d)%.?(%d*)Z$')
      if base then
        return base .. string.sub(fraction .. '000000000', 1, 9)
      end
    end
  end
  return nil
end

local fields, written, refused, missing = {}, 0, 0, 0
for i = 5, #ARGV, 2 do
  local field, json = ARGV[i], ARGV[i + 1]
  local allowed = true
  if tombstoned(field) then
    allowed = false
    missing = missing + 1
    redis.call('HDEL', key, field)
  else
    local stored = redis.call('HGET', key, field)
    if stored then
      local old, new = version(stored), version(json)
      if old ~= nil and new ~= nil and type(old) == type(new) and old > new then
        allowed = false
      end
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
local function evictedSince(sequence)
  if not tombstones then
    return false
  end
  for _, tombstone in pairs(tombstones) do
    if type(tombstone) == 'table' and tonumber(tombstone[1]) and tonumber(tombstone[2])
        and tombstone[2] > now and tombstone[1] > sequence then
      return true
    end
  end
  return false
end
local complete = ARGV[3] == '1' and missing == 0 and loadSequence ~= nil and not evictedSince(loadSequence)
if complete then
  redis.call('HSET', key, '!c', '1')
elseif missing > 0 then
  redis.call('HDEL', key, '!c')
end
if loadSequence == nil then
  redis.call('HINCRBY', key, '!s', 1)
end
if written > 0 or complete or redis.call('PTTL', key) == -1 then
  redis.call('PEXPIRE', key, ARGV[1])
end
return {written, refused, 1}
