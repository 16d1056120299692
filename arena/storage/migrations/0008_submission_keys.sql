-- A client's own key for a submission (the Idempotency-Key header): a retried submit returns the
-- submission the first one made instead of making another. Additive: older code ignores it.
ALTER TABLE submissions ADD COLUMN client_key text;
CREATE UNIQUE INDEX submissions_client_key ON submissions (user_id, client_key)
    WHERE client_key IS NOT NULL;
