-- Where analysts work outside autosoc (issue 14): Slack approvals and ticket systems.

-- Who a Slack user is in autosoc: the actor named in the audit trail and the roles the workflow
-- checks. Managed by `autosoc slack map`; a Slack user not listed here decides nothing.
CREATE TABLE slack_identities (
  team_id     text NOT NULL,
  user_id     text NOT NULL,
  actor       text NOT NULL,
  roles       text[] NOT NULL CHECK (cardinality(roles) BETWEEN 1 AND 8),
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (team_id, user_id)
);

-- The Slack message that announced an escalation (chat.postMessage's channel and ts), so the
-- outcome can replace its buttons (chat.update).
CREATE TABLE slack_messages (
  workflow_id text NOT NULL,
  event_key   text NOT NULL,
  channel     text NOT NULL,
  ts          text NOT NULL,
  posted_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workflow_id, event_key)
);

-- One ticket per case. The row is the intent, written before the ticket system is called
-- (external_id NULL); a retry that finds it without an external id searches the ticket system
-- by correlation_id before creating, so neither a retried activity nor a killed worker makes two.
CREATE TABLE tickets (
  workflow_id     text PRIMARY KEY,
  system          text NOT NULL,
  correlation_id  text NOT NULL UNIQUE,
  external_id     text,
  external_key    text,
  url             text,
  state           text NOT NULL CHECK (state IN ('creating', 'open', 'closed')),
  -- The notification that opened it (later escalations become comments on it).
  event_key       text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX tickets_external ON tickets (system, external_id) WHERE external_id IS NOT NULL;

-- Webhook deliveries already handled, by the ticket system's delivery id: a redelivered
-- webhook (every system retries on timeouts) is acknowledged and not applied twice.
CREATE TABLE ticket_events (
  system       text NOT NULL,
  event_id     text NOT NULL,
  workflow_id  text,
  kind         text NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (system, event_id)
);
