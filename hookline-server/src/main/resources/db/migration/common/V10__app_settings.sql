-- Per-app settings as JSON (https_only, test_message); null means the defaults.
ALTER TABLE apps ADD COLUMN settings TEXT;
