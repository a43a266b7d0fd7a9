-- /admin counts a day of pushes by status: an index on (slot_at, status) lets PostgreSQL
-- answer it with an index-only scan; it also serves slot_at ranges.
CREATE INDEX pushes_slot_status ON pushes(slot_at, status);
DROP INDEX pushes_slot;
