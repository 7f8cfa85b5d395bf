-- The 30-day warning before a closed work file is due for the archive
-- (document.Service.WarnDueFiles publishes WorkFileDueSoon): one row per
-- file and due date once it is published. The key makes the scheduled
-- check idempotent however often it runs and on however many instances;
-- a file reopened with a new end date has a new due date and is warned again.
CREATE TABLE document_work_file_warnings (
	file_id BIGINT NOT NULL REFERENCES document_work_files(id),
	archive_due TEXT NOT NULL,
	warned_at BIGINT NOT NULL,
	PRIMARY KEY (file_id, archive_due)
);
