-- Public tracking needs a second factor besides the code (codes are
-- sequential, so anyone could walk a unit's day): the unguessable token
-- the QR code on every form carries (or the applicant's phone's last
-- digits, which are already in the row). RANDOM_TOKEN is 128 random bits
-- as hex, per row (store/dialect.go): dossiers filed before this get one.
ALTER TABLE dossiers ADD COLUMN track_token TEXT NOT NULL DEFAULT '';
UPDATE dossiers SET track_token = RANDOM_TOKEN;

-- Why a dossier is marked as filed on someone's behalf (on_behalf = 1):
-- 'staff' (an officer or the community digital team entered it),
-- 'other_id' (a citizen account whose verified ID number is not the
-- applicant's), 'unverified' (no verified ID number to compare). The
-- account that filed it is created_by.
ALTER TABLE dossiers ADD COLUMN on_behalf_reason TEXT NOT NULL DEFAULT '';
UPDATE dossiers SET on_behalf_reason = 'staff' WHERE on_behalf = 1;
