-- /admin counts a day of pushes by status: an index on (slot_at, status) answers it from the
-- index alone (100,000 subscribers make 100,000 rows a day); it also serves slot_at ranges.
CREATE INDEX pushes_slot_status ON pushes(slot_at, status);
DROP INDEX pushes_slot;
