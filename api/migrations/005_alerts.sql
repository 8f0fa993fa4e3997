-- Alerts: subscriptions to what happens in an area, what dispatch last saw of each published
-- item, the change events it derived, and which mails it queued (the idempotency keys).
-- A subscription keeps only what the alert needs: the address, the area, the topics, the
-- frequency. Its confirmation token is stored as a SHA-256; the link key of its mails
-- (manage, one-click unsubscribe) and its feed key are derived from that hash and stored hashed.

CREATE TABLE alert_subscription (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL,                        -- lower-cased
    area          TEXT NOT NULL,                        -- JSON: {"districts": [...]} | {"point": [lon, lat], "radius_m": n} | {"polygon": [[lon, lat], ...]}
    topics        TEXT NOT NULL,                        -- comma-separated topic ids
    frequency     TEXT NOT NULL CHECK (frequency IN ('imediat', 'zilnic', 'saptamanal')),
    token_sha256  BLOB NOT NULL UNIQUE,                 -- the confirmation link's token
    link_sha256   BLOB NOT NULL UNIQUE,                 -- manage / unsubscribe key
    feed_sha256   BLOB NOT NULL UNIQUE,                 -- Atom feed key
    confirmed_at  TEXT,
    created_at    TEXT NOT NULL
);

-- The last state dispatch saw of each published item: a hash of the fields alerts care about.
CREATE TABLE alert_seen (
    topic  TEXT NOT NULL,                               -- the published type (public_work, tender, ...)
    item   TEXT NOT NULL,
    hash   TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (topic, item)
) WITHOUT ROWID;

-- A change event; its key makes deriving it twice a no-op.
CREATE TABLE alert_event (
    id         INTEGER PRIMARY KEY,
    key        TEXT NOT NULL UNIQUE,
    topics     TEXT NOT NULL,                           -- comma-separated subscription topics it concerns
    item       TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('nou', 'modificat', 'anulat', 'incepe_maine')),
    title      TEXT NOT NULL,
    url        TEXT NOT NULL,
    detail     TEXT NOT NULL DEFAULT '',
    districts  TEXT NOT NULL DEFAULT '',                -- comma-separated district ids (works)
    geometry   TEXT,                                    -- GeoJSON; NULL: city-wide
    created_at TEXT NOT NULL                            -- UTC, %Y-%m-%dT%H:%M:%SZ
);
CREATE INDEX alert_event_created ON alert_event (created_at);

-- Which subscription an event concerns; for immediate alerts, inserting the row queues the mail
-- in the same transaction, so a second dispatch queues nothing.
CREATE TABLE alert_match (
    subscription_id INTEGER NOT NULL REFERENCES alert_subscription (id) ON DELETE CASCADE,
    event_id        INTEGER NOT NULL REFERENCES alert_event (id) ON DELETE CASCADE,
    PRIMARY KEY (subscription_id, event_id)
) WITHOUT ROWID;

-- The digests queued: one per subscription and closed window (day or ISO week, Europe/Bucharest).
CREATE TABLE alert_digest (
    subscription_id INTEGER NOT NULL REFERENCES alert_subscription (id) ON DELETE CASCADE,
    period          TEXT NOT NULL,                      -- 'zi:2026-11-25' or 'saptamana:2026-11-16'
    PRIMARY KEY (subscription_id, period)
) WITHOUT ROWID;
