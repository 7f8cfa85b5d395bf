-- The printed register of a period (document.Filter From/To): an
-- incoming register by arrival time, an outgoing one by issued date, of
-- one organ, filtered in SQL rather than read whole.
CREATE INDEX documents_arrival ON documents(unit_id, direction, arrival_at);
CREATE INDEX documents_issued ON documents(unit_id, direction, issued_date);
