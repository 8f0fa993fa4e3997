-- Two things each form submission wrote twice, found measuring the registry under load (every
-- b-tree a submission touches is a page copied, logged and synced):
-- * `number` had its own unique index besides `(year, seq)`, which it is made of: a case is now
--   looked up by its year and sequence (and the number, for the prefix). SQLite drops a
--   column's UNIQUE only by rebuilding the table (foreign keys are off during migrations).
-- * The registration was an `audit` row repeating the submission row: who (the citizen), when
--   (`registered_at`), the files (its attachments). A case's history now starts from the
--   submission row itself; `audit` keeps every later change.
CREATE TABLE submission_new (
    id                  INTEGER PRIMARY KEY,
    year                INTEGER NOT NULL,
    seq                 INTEGER NOT NULL,              -- gapless per year
    number              TEXT NOT NULL,                 -- e.g. TM-2026-000123: prefix, year, seq
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
INSERT INTO submission_new (id, year, seq, number, form_id, form_title, account_id, email, fields, department,
        status, registered_at, due_on, deadline_rule, extended_due_on, extension_reason, forwarded_to, answer,
        answered_at, status_token_sha256)
    SELECT id, year, seq, number, form_id, form_title, account_id, email, fields, department,
        status, registered_at, due_on, deadline_rule, extended_due_on, extension_reason, forwarded_to, answer,
        answered_at, status_token_sha256
    FROM submission;
DROP TABLE submission;
ALTER TABLE submission_new RENAME TO submission;
CREATE INDEX submission_account ON submission (account_id) WHERE account_id IS NOT NULL;
CREATE INDEX submission_email ON submission (email);
CREATE INDEX submission_due ON submission (status, due_on);

DELETE FROM audit WHERE action = 'registered';
