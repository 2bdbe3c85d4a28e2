-- Ingest tokens speak for one source unless created with --any-source; HMAC keys are sealed
-- (AES-256-GCM, src/store/secret-box.ts) instead of kept in clear; signed requests carry a
-- nonce that is remembered for the replay window.
ALTER TABLE api_tokens ADD COLUMN any_source boolean NOT NULL DEFAULT false;
-- Tokens made before source binding keep the reach they had, now stated.
UPDATE api_tokens SET any_source = true WHERE source IS NULL;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_one_scope CHECK (NOT (any_source AND source IS NOT NULL));
-- The sealed HMAC key; a plaintext hmac_secret left by earlier versions is sealed at start-up
-- (sealPlaintextHmacSecrets) and the column cleared.
ALTER TABLE api_tokens ADD COLUMN hmac_secret_sealed text;

CREATE TABLE request_nonces (
  token_name  text NOT NULL,
  nonce       text NOT NULL,
  expires_at  timestamptz NOT NULL,
  PRIMARY KEY (token_name, nonce)
);
CREATE INDEX request_nonces_expiry ON request_nonces (expires_at);
