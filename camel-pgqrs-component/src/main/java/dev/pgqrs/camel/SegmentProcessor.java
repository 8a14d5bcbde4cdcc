package dev.pgqrs.camel;

import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.processor.DelegateAsyncProcessor;

/**
 * Base of the processors the pgqrs policies wrap around a route segment: the segment runs to its
 * end on the calling thread (a checkpoint or a commit must follow it, not race it), then routing
 * continues.
 */
abstract class SegmentProcessor extends DelegateAsyncProcessor {

    SegmentProcessor(Processor segment) {
        super(segment);
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        try {
            around(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        }
        callback.done(true);
        return true;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        around(exchange);
    }

    /** Runs the segment ({@link #runSegment}) with whatever comes before and after it. */
    protected abstract void around(Exchange exchange) throws Exception;

    /** Runs the wrapped segment to its end; a failure is left on the exchange. */
    protected void runSegment(Exchange exchange) {
        try {
            processor.process(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        }
    }
}
