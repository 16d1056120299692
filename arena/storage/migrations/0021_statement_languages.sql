-- The statement languages an organiser offers (of the package's, in its order; empty: all of
-- them) and the default one ('' : the package's, English else the first). statement_html stays
-- the default's, so readers of it (search, older hubs) serve what the organiser chose.
ALTER TABLE problems ADD COLUMN IF NOT EXISTS statement_langs text[] NOT NULL DEFAULT '{}';
ALTER TABLE problems ADD COLUMN IF NOT EXISTS statement_lang text NOT NULL DEFAULT '';
