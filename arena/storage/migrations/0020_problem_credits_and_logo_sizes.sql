-- Credits an organiser edits on a live problem (metadata: no new package version).
ALTER TABLE problems ADD COLUMN IF NOT EXISTS author text NOT NULL DEFAULT '';
ALTER TABLE problems ADD COLUMN IF NOT EXISTS source text NOT NULL DEFAULT '';
-- Bumped by each metadata edit: cached statements are keyed by (problem, version, meta_rev), so
-- an edit is a new body and a new ETag without waiting for a cache to expire.
ALTER TABLE problems ADD COLUMN IF NOT EXISTS meta_rev int NOT NULL DEFAULT 0;
-- An organization logo's pixel size, decoded at upload: the Contest API's image reference needs it.
ALTER TABLE organizations ADD COLUMN IF NOT EXISTS logo_width int;
ALTER TABLE organizations ADD COLUMN IF NOT EXISTS logo_height int;
