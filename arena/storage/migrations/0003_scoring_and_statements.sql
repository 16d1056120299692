-- Scoring problems and rendered statements.

-- The scoring rules of a scoring problem's version (arena.problems.scoring.ScoringPlan as JSON),
-- so that a worker grades exactly like `arena judge`; NULL for pass-fail problems.
ALTER TABLE problem_versions ADD COLUMN scoring jsonb;

-- Every language's statement, sanitized HTML: {"en": {"title": ..., "html": ...}, ...}.
-- statement_html keeps the default language's (en, else the first).
ALTER TABLE problems ADD COLUMN statements jsonb NOT NULL DEFAULT '{}';

-- Per-group scores of a scoring problem's submission ([{name, score, max_score, verdict}]);
-- NULL for pass-fail problems. The total is submissions.score.
ALTER TABLE submissions ADD COLUMN group_scores jsonb;
