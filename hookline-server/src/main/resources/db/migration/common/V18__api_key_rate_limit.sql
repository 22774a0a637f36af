-- A key's own limit on management calls, in requests per minute (NULL: none).
ALTER TABLE api_keys ADD COLUMN rate_limit INTEGER;
