-- The retention of a procedure's closed dossiers, in years (thời hạn bảo
-- quản hồ sơ); 0 is permanent (vĩnh viễn: never anonymised). Publishing a
-- version writes it (catalog.Procedure.RetentionYears); the procedures
-- already here take the default of their field (catalog.FieldRetention,
-- the same table).
ALTER TABLE procedures ADD COLUMN retention_years BIGINT NOT NULL DEFAULT 20;
UPDATE procedures SET retention_years = 0 WHERE field_code IN ('ho-tich', 'dat-dai', 'xay-dung');
