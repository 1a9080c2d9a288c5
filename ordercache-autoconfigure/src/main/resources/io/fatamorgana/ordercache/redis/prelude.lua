-- Shared by every ordercache script: prepended to each one when it is loaded. The storage protocol
-- these functions keep is stated in docs/protocol.md.

-- Bookkeeping fields with fixed names; tombstones are '!t:' .. order number, counted in '!k'.
local META = {'!e', '!c', '!s', '!v', '!k', '!t', '!r', '!d', '!n'}

local function now_ms()
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end

-- Removes a key of another type than a hash (foreign data at a period's key).
local function ensure_hash(key)
  local kind = redis.call('TYPE', key).ok
  if kind ~= 'hash' and kind ~= 'none' then
    redis.call('UNLINK', key)
    return true
  end
  return false
end

-- The number of orders in a period's hash: its fields less the bookkeeping ones.
local function order_count(key)
  local n = redis.call('HLEN', key)
  if n == 0 then
    return 0
  end
  local meta = redis.call('HMGET', key, unpack(META))
  for _, value in ipairs(meta) do
    if value then
      n = n - 1
    end
  end
  return n - (tonumber(meta[5]) or 0)
end

-- The live tombstone of an order: its eviction sequence, or nil. An expired one is removed.
local function tombstone(key, field, now)
  local raw = redis.call('HGET', key, '!t:' .. field)
  if not raw then
    return nil
  end
  local sequence, expiry = string.match(raw, '^(%d+):(%d+)$')
  if sequence and tonumber(expiry) > now then
    return tonumber(sequence)
  end
  if redis.call('HDEL', key, '!t:' .. field) == 1 then
    redis.call('HINCRBY', key, '!k', -1)
  end
  return nil
end

-- Removes an order and leaves its tombstone at a sequence: writes of older copies are refused for
-- the tombstone TTL, and so are loads whose token is older than the sequence. The period is no
-- longer complete; '!v' remembers the last such sequence.
local function bury(key, field, sequence, ttl, now)
  local removed = redis.call('HDEL', key, field)
  redis.call('HDEL', key, '!c')
  redis.call('HSET', key, '!v', sequence)
  if redis.call('HSET', key, '!t:' .. field, sequence .. ':' .. (now + ttl)) == 1 then
    redis.call('HINCRBY', key, '!k', 1)
  end
  return removed
end

-- The near cache's channel of a period ('!n'), set by the first near-cache read of the key
-- (near-get.lua): while it is set, every change of an order field and every move of the token is
-- published on it by the script that makes it, in the same atomic step (docs/protocol.md, "Near
-- cache"). Nil when no near cache watches the period: then nothing is published.
local function near_channel(key)
  return redis.call('HGET', key, '!n')
end

-- Publishes that the orders named changed, with the period's token after the change:
-- 'o <key> <epoch> <sequence> <order> <order> ...'. Too many to name: 'p', as for a drop.
local function publish_orders(key, orders)
  local channel = near_channel(key)
  if not channel then
    return
  end
  local meta = redis.call('HMGET', key, '!e', '!s')
  local token = (meta[1] or '0') .. ' ' .. (meta[2] or '0')
  if #orders > 1000 then
    redis.call('PUBLISH', channel, 'p ' .. key .. ' ' .. token)
  elseif #orders > 0 then
    redis.call('PUBLISH', channel, 'o ' .. key .. ' ' .. token .. ' ' .. table.concat(orders, ' '))
  else
    redis.call('PUBLISH', channel, 'o ' .. key .. ' ' .. token)
  end
end

-- Removes a broken entry (unreadable, foreign, oversized): the period then lacks an order the
-- database may have, so it is no longer complete, and a full load whose token is older than this
-- removal cannot mark it complete ('!s' and '!v' move on). No tombstone: a load may fill it again.
local function remove_broken(key, field)
  redis.call('HDEL', key, '!c')
  redis.call('HSET', key, '!v', redis.call('HINCRBY', key, '!s', 1))
  local removed = redis.call('HDEL', key, field)
  publish_orders(key, {field})
  return removed
end

-- Drops every order of a hash (or whatever the key holds): the epoch moves on, so that a load that
-- began before is refused whole, and '!d' makes the drop a tombstone of every order for a tombstone
-- TTL, so that a committed write made before it (delayed) is refused. Constant cost.
-- A watched period stays watched: its channel is kept, and the drop is published ('p', new token).
local function drop_period(key, epoch, tombstoneTtl, now)
  local channel = nil
  if redis.call('TYPE', key).ok == 'hash' then
    channel = near_channel(key)
  end
  redis.call('UNLINK', key)
  redis.call('HSET', key, '!e', epoch + 1, '!d', now + tombstoneTtl)
  redis.call('PEXPIRE', key, tombstoneTtl)
  if channel then
    redis.call('HSET', key, '!n', channel)
    redis.call('PUBLISH', channel, 'p ' .. key .. ' ' .. (epoch + 1) .. ' 0')
  end
end

-- A key in its last tombstone TTL that still holds orders, when a change comes: its copies have had
-- their TTL. Extending the key for the change's tombstone would let them outlive it, so the period is
-- dropped first, and only then does the key live on for the change's evidence. So no copy ever
-- outlives the TTL it was written with. Constant cost.
local function retire(key, tombstoneTtl, now)
  local pttl = redis.call('PTTL', key)
  if pttl < 0 or pttl >= tombstoneTtl or order_count(key) == 0 then
    return false
  end
  drop_period(key, tonumber(redis.call('HGET', key, '!e') or '0') or 0, tombstoneTtl, now)
  return true
end

