-- A function problem's signature (arena.functions.signature), null for stdin/stdout problems.
ALTER TABLE problem_versions ADD COLUMN IF NOT EXISTS function_signature jsonb;
