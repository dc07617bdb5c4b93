-- Claims walk open slots in (created_at, id) order: the index must hold both, or every claim sorts all the open slots
-- that share a created_at (a whole split commits with one timestamp).
DROP INDEX IF EXISTS assignments_claimable;
CREATE INDEX assignments_claimable ON assignments (created_at, id) WHERE status = 'open';
