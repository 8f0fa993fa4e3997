-- Form submissions (the registry), their attachments and the audit log of every change.

CREATE TABLE submission (
    id                  INTEGER PRIMARY KEY,
    year                INTEGER NOT NULL,
    seq                 INTEGER NOT NULL,              -- gapless per year
    number              TEXT NOT NULL UNIQUE,          -- e.g. TM-2026-000123
    form_id             TEXT NOT NULL,
    form_title          TEXT NOT NULL,
    account_id          INTEGER REFERENCES account (id) ON DELETE SET NULL,
    email               TEXT NOT NULL,
    fields              TEXT NOT NULL,                 -- JSON object, as validated
    department          TEXT NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('registered', 'in_progress', 'forwarded', 'answered', 'filed')),
    registered_at       TEXT NOT NULL,
    due_on              TEXT,                          -- the legal deadline (a date in Romanian time); NULL: none
    deadline_rule       TEXT,                          -- JSON: days, unit, extension_days; NULL: no deadline
    extended_due_on     TEXT,
    extension_reason    TEXT,
    forwarded_to        TEXT,
    answer              TEXT,
    answered_at         TEXT,
    status_token_sha256 BLOB NOT NULL,                 -- the submitter's link to the status page
    UNIQUE (year, seq)
);
CREATE INDEX submission_account ON submission (account_id);
CREATE INDEX submission_email ON submission (email);
CREATE INDEX submission_due ON submission (status, due_on);

CREATE TABLE attachment (
    id            INTEGER PRIMARY KEY,
    submission_id INTEGER NOT NULL REFERENCES submission (id) ON DELETE CASCADE,
    file_name     TEXT NOT NULL,
    media_type    TEXT NOT NULL,                       -- sniffed from the bytes
    size          INTEGER NOT NULL,
    sha256        TEXT NOT NULL,
    content       BLOB NOT NULL
);
CREATE INDEX attachment_submission ON attachment (submission_id);

CREATE TABLE audit (
    id            INTEGER PRIMARY KEY,
    submission_id INTEGER NOT NULL REFERENCES submission (id) ON DELETE CASCADE,
    at            TEXT NOT NULL,
    actor         TEXT NOT NULL,                       -- 'citizen', 'system' or a staff e-mail
    action        TEXT NOT NULL,
    detail        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_submission ON audit (submission_id);
