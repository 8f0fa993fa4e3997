-- Accounts, their identities, sessions, one-time tokens, and the mail outbox.
-- Times are RFC 3339 UTC text; tokens are stored only as their SHA-256.

CREATE TABLE account (
    id                INTEGER PRIMARY KEY,
    email             TEXT NOT NULL UNIQUE,            -- lower-cased
    name              TEXT NOT NULL DEFAULT '',
    password_hash     TEXT,                            -- argon2id PHC string; NULL: magic links only
    email_verified_at TEXT,
    role              TEXT NOT NULL DEFAULT 'citizen' CHECK (role IN ('citizen', 'staff', 'admin')),
    created_at        TEXT NOT NULL
);

-- How an account can prove who it is: its e-mail, or an OpenID Connect provider's subject.
CREATE TABLE identity (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    provider   TEXT NOT NULL,                          -- 'email' or a configured provider's id
    subject    TEXT NOT NULL,                          -- the e-mail, or the provider's `sub`
    assurance  TEXT NOT NULL CHECK (assurance IN ('none', 'email_verified', 'eid_substantial', 'eid_high')),
    created_at TEXT NOT NULL,
    UNIQUE (provider, subject)
);
CREATE INDEX identity_account ON identity (account_id);

CREATE TABLE session (
    token_sha256 BLOB PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    assurance    TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL
);
CREATE INDEX session_account ON session (account_id);

-- Magic links and e-mail verification links: single use, short-lived.
CREATE TABLE login_token (
    token_sha256 BLOB PRIMARY KEY,
    purpose      TEXT NOT NULL CHECK (purpose IN ('magic_link', 'verify_email')),
    account_id   INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    used_at      TEXT,
    next         TEXT                                -- where to go after the link is used
);
CREATE INDEX login_token_account ON login_token (account_id);

-- Every e-mail is written here in the same transaction as the action that causes it; the
-- sender delivers it later, with retries, and marks it sent.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    message_id      TEXT NOT NULL UNIQUE,              -- stable Message-ID: a retry is the same message
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    headers         TEXT NOT NULL DEFAULT '{}',        -- JSON object of extra headers
    created_at      TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    sent_at         TEXT,
    last_error      TEXT
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL;
