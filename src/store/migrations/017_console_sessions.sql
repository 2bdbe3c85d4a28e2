-- Console sessions: an API token exchanged for a cookie. Only hashes are kept: the cookie's
-- id and the token it was made from (so revoking the token ends its sessions at once).
CREATE TABLE IF NOT EXISTS console_sessions (
  id_sha256    text PRIMARY KEY,
  token_sha256 text NOT NULL,
  csrf         text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS console_sessions_last_seen ON console_sessions (last_seen_at);
