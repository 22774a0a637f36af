-- The app that operational webhooks (endpoint.disabled, message.attempt.exhausted, …) are sent
-- from. Its endpoints are managed at /v1/operational-webhooks/endpoints; it is hidden from /v1/apps.
INSERT INTO apps (id, uid, name, created_at, updated_at)
VALUES ('app_operational', NULL, 'Hookline operational webhooks', 0, 0);
