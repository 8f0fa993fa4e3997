-- OpenID Connect logins: an account may now have no e-mail (someone who only ever logs in with
-- an identity provider), identities remember which claims were received (names only, never
-- values), a session remembers the provider it came from (for RP-initiated logout), and pending
-- logins wait in `oidc_flow` keyed by the SHA-256 of their `state`.

-- `account.email` becomes optional: SQLite rebuilds the table (foreign keys are off during
-- migrations, and checked before the commit).
CREATE TABLE account_new (
    id                INTEGER PRIMARY KEY,
    email             TEXT UNIQUE,                     -- lower-cased; NULL: logs in only with a provider
    name              TEXT NOT NULL DEFAULT '',
    password_hash     TEXT,
    email_verified_at TEXT,
    role              TEXT NOT NULL DEFAULT 'citizen' CHECK (role IN ('citizen', 'staff', 'admin')),
    created_at        TEXT NOT NULL
);
INSERT INTO account_new (id, email, name, password_hash, email_verified_at, role, created_at)
    SELECT id, email, name, password_hash, email_verified_at, role, created_at FROM account;
DROP TABLE account;
ALTER TABLE account_new RENAME TO account;

-- JSON array of {"claim", "kept"}: what the provider sent at the last login, without values.
ALTER TABLE identity ADD COLUMN received TEXT NOT NULL DEFAULT '[]';
ALTER TABLE identity ADD COLUMN last_login_at TEXT;

ALTER TABLE session ADD COLUMN oidc_provider TEXT;

CREATE TABLE oidc_flow (
    state_sha256    BLOB PRIMARY KEY,
    browser_sha256  BLOB NOT NULL,                     -- the flow cookie: only the browser that started may finish
    provider        TEXT NOT NULL,
    link_account_id INTEGER REFERENCES account (id) ON DELETE CASCADE, -- set when adding a provider to an account
    next            TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    expires_at      TEXT NOT NULL,
    used_at         TEXT
);
CREATE INDEX oidc_flow_expiry ON oidc_flow (expires_at);
