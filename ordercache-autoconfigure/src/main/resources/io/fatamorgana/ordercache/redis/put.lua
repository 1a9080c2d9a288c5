-- Sets order fields of one period's hash and its TTL atomically: the key never lives without a TTL.
-- KEYS[1] = period key; ARGV[1] = TTL in milliseconds; ARGV[2..] = order number, JSON, ...
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return (#ARGV - 1) / 2
