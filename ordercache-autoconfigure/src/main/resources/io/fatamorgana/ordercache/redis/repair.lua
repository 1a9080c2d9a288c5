-- Removes a key that holds something other than a hash (foreign data at a period's key).
-- KEYS[1] = period key
-- Returns 1 if the key was removed
if ensure_hash(KEYS[1]) then
  return 1
end
return 0
