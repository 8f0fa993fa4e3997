-- What dispatch last saw of each item now includes its watched fields (a JSON object: a draft's
-- comment deadline and adopting decision, a decision's entry into force and prefect's check, a
-- tender's awards, a contest's results …), so a change can be mailed as "before → after".
-- Rows from before have '{}': their fields are recorded on the next dispatch, never mailed.
ALTER TABLE alert_seen ADD COLUMN fields TEXT NOT NULL DEFAULT '{}';
