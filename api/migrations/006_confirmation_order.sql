-- The order in which signatures were confirmed. The writer numbers each confirmation
-- (MAX + 1, inside the write that confirms), and commits in order, so the confirmations a
-- reader sees are always a prefix of this sequence: the petition counts add what is new since
-- the last number they saw instead of recounting every signature each second.
ALTER TABLE signature ADD COLUMN confirmed_seq INTEGER;
UPDATE signature SET confirmed_seq = id WHERE confirmed_at IS NOT NULL;
CREATE UNIQUE INDEX signature_confirmed_seq ON signature (confirmed_seq);
DROP INDEX signature_count;
CREATE INDEX signature_count ON signature (petition_id, confirmed_seq, invalidated_by, district, assurance);
