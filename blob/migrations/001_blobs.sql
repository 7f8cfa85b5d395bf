-- Portable SQL: BLOB is rewritten per engine (store/dialect.go).
-- The database blob store (blob.DB): one row per content, named by its
-- SHA-256, and its bytes in chunks of chunk_size, so neither a write nor a
-- read ever holds a whole file (docs/scale-out.md, "Stored files").
-- stored_at (Unix milliseconds) is when the content was last stored or
-- about to be referenced: the collector's grace period counts from it.

CREATE TABLE blobs (
	sha256 TEXT PRIMARY KEY,
	size BIGINT NOT NULL,
	chunk_size BIGINT NOT NULL,
	stored_at BIGINT NOT NULL
);

CREATE INDEX blobs_stored_at ON blobs (stored_at);

CREATE TABLE blob_chunks (
	sha256 TEXT NOT NULL,
	n BIGINT NOT NULL,
	data BLOB NOT NULL,
	PRIMARY KEY (sha256, n)
);
