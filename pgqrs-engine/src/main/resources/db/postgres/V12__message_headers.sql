-- Message headers: a JSON object of text values stored with a message by this edition, today the W3C trace
-- context (traceparent, tracestate) of the span that enqueued it, so the span that consumes it continues the
-- same trace. A nullable column other editions neither write nor read: their inserts leave it NULL, and their
-- statements name the columns they use.
ALTER TABLE pgqrs_messages ADD COLUMN IF NOT EXISTS headers jsonb;
