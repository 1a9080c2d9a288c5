-- Counts the orders of a period (bookkeeping fields and tombstones left out). A key of another type
-- answers WRONGTYPE, which the engine repairs. Protocol: docs/protocol.md.
-- KEYS[1] = period key
return order_count(KEYS[1])
