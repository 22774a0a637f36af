-- Read paths measured on a real SQLite database holding 100,000 messages and 210,000 attempts
-- (LargeHistoryBrowserTest, numbers in docs/operations.md).

-- The app's attempt log (GET /v1/apps/{app}/attempts) pages by id within one app: without this it
-- walks every app's attempts in id order and keeps those of the app asked for.
CREATE INDEX attempts_by_app ON attempts (app_id, id);

-- The overview's chart counts attempts by time and outcome: with succeeded in the index it is
-- read from the index alone. Retention's scan by age uses the same index's first column.
DROP INDEX attempts_by_age;
CREATE INDEX attempts_by_age ON attempts (created_at, succeeded);

-- One app's numbers (its page, its portal, GET /v1/stats?app=) read only that app's attempts of the
-- period, whatever the other apps send, from the index alone; with endpoint_id in it the per-endpoint
-- tally is read from it too (without, SQLite walked the endpoint index over every attempt ever kept
-- to skip a sort: 660 ms for one day of the history above).
CREATE INDEX attempts_by_app_age ON attempts (app_id, created_at, succeeded, endpoint_id);
