-- Intent before side effect: a row keyed by the side effect's idempotency key is written
-- BEFORE the call to the other system (pending) and settled after it (done). A retry that
-- finds it pending knows an earlier attempt may have acted, and does not act again unless the
-- connector can ask the other system what happened (src/store/intents.ts).
CREATE TABLE intents (
  key         text PRIMARY KEY,
  kind        text NOT NULL,
  state       text NOT NULL CHECK (state IN ('pending', 'done', 'unknown')),
  detail      text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- A notification found mid-send after a crash is marked unknown, never sent twice.
ALTER TABLE notifications DROP CONSTRAINT notifications_status_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_status_check CHECK (status IN ('sending', 'sent', 'failed', 'unknown'));
