-- An account imported from a Contest Package's accounts.yaml without a password has none
-- (NULL): it cannot log in until one is set (`arena user add --reset-password`).
ALTER TABLE users ALTER COLUMN password_hash DROP NOT NULL;
