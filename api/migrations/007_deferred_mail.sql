-- An e-mail can be queued as a theme template and its context (JSON), rendered when it is sent:
-- a form's acknowledgement was rendered on the request's path and its text written to the log
-- with the submission (about 1.5 KB of the ~7 KB each submission wrote). Once sent, the
-- rendered subject and body are kept in `subject` and `body` as for any other e-mail.
ALTER TABLE outbox ADD COLUMN template TEXT;
ALTER TABLE outbox ADD COLUMN context TEXT;
-- Most submissions come from people without an account: index only those with one.
DROP INDEX submission_account;
CREATE INDEX submission_account ON submission (account_id) WHERE account_id IS NOT NULL;
