-- Message headers (see the PostgreSQL migration of the same version): a JSON object of text values, today the
-- W3C trace context of the span that enqueued the message. Nullable; other editions leave it NULL.
ALTER TABLE pgqrs_messages ADD COLUMN headers TEXT;
