-- Online petitions: the petition, its supporters before moderation, signatures (one append
-- each; confirming updates only the signature's own row), counts aggregated in batches,
-- thresholds reached, and the public log of invalidated signatures.

CREATE TABLE petition (
    id               INTEGER PRIMARY KEY,
    title            TEXT NOT NULL,
    body             TEXT NOT NULL,
    action           TEXT NOT NULL,                    -- what the city is asked to do
    creator_id       INTEGER REFERENCES account (id) ON DELETE SET NULL,
    creator_name     TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('collecting', 'moderation', 'open', 'closed', 'rejected')),
    sponsor_key      TEXT NOT NULL,                    -- the private supporters' link (not a login secret)
    rejection_reason TEXT,
    text_hidden      INTEGER NOT NULL DEFAULT 0,       -- rejected for breaking the rules: text not shown
    duplicate_of     INTEGER REFERENCES petition (id),
    created_at       TEXT NOT NULL,
    published_at     TEXT,
    closes_on        TEXT,                             -- last day of signing (Romanian date)
    response         TEXT,
    response_at      TEXT,
    debate           TEXT,
    debate_at        TEXT
);
CREATE INDEX petition_status ON petition (status);

CREATE TABLE petition_sponsor (
    petition_id INTEGER NOT NULL REFERENCES petition (id) ON DELETE CASCADE,
    account_id  INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (petition_id, account_id)
);

CREATE TABLE signature (
    id             INTEGER PRIMARY KEY,
    petition_id    INTEGER NOT NULL REFERENCES petition (id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    email          TEXT NOT NULL,
    email_norm     TEXT NOT NULL,                      -- one signature per normalised address
    email_domain   TEXT NOT NULL,
    district       TEXT,
    notify         INTEGER NOT NULL DEFAULT 0,         -- wants e-mails about the petition
    ip             TEXT NOT NULL,
    assurance      TEXT NOT NULL DEFAULT 'none',
    token_sha256   BLOB NOT NULL UNIQUE,
    created_at     TEXT NOT NULL,
    confirmed_at   TEXT,
    invalidated_by INTEGER REFERENCES invalidation (id),
    UNIQUE (petition_id, email_norm)
);
CREATE INDEX signature_count ON signature (petition_id, confirmed_at, invalidated_by, district, assurance);
CREATE INDEX signature_domain ON signature (petition_id, email_domain);

-- The aggregated counts, rewritten by one task about once a second.
CREATE TABLE petition_count (
    petition_id INTEGER PRIMARY KEY REFERENCES petition (id) ON DELETE CASCADE,
    confirmed   INTEGER NOT NULL,
    verified    INTEGER NOT NULL,                      -- signers identified with eID (eid_substantial or more)
    by_district TEXT NOT NULL,                         -- JSON object district → confirmed
    updated_at  TEXT NOT NULL
);

CREATE TABLE petition_hourly (
    petition_id INTEGER NOT NULL REFERENCES petition (id) ON DELETE CASCADE,
    hour        TEXT NOT NULL,                         -- UTC, e.g. 2026-11-26T13:00:00Z
    confirmed   INTEGER NOT NULL,                      -- confirmed signatures at the end of that hour
    PRIMARY KEY (petition_id, hour)
);

CREATE TABLE petition_threshold (
    petition_id INTEGER NOT NULL REFERENCES petition (id) ON DELETE CASCADE,
    signatures  INTEGER NOT NULL,
    action      TEXT NOT NULL CHECK (action IN ('answer', 'debate')),
    reached_at  TEXT NOT NULL,
    due_on      TEXT NOT NULL,
    PRIMARY KEY (petition_id, signatures)
);

CREATE TABLE invalidation (
    id          INTEGER PRIMARY KEY,
    petition_id INTEGER NOT NULL REFERENCES petition (id) ON DELETE CASCADE,
    criteria    TEXT NOT NULL,                         -- e.g. "domain mailinator.com" or "ip 203.0.113.0/24"
    reason      TEXT NOT NULL,
    removed     INTEGER NOT NULL,
    actor       TEXT NOT NULL,
    at          TEXT NOT NULL
);
