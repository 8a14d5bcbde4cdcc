package dev.pgqrs.bridge.connect;

import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.spi.InterceptStrategy;
import org.apache.camel.support.processor.DelegateAsyncProcessor;

/**
 * Remembers, on the exchange, the innermost node whose processing ended with an exception (a node's own
 * failure is seen before the nodes that contain it), for the dead-letter context. Costs nothing on success.
 */
public final class FailedNodeRecorder implements InterceptStrategy {

    @Override
    public Processor wrapProcessorInInterceptors(CamelContext context, NamedNode definition, Processor target, Processor nextTarget) {
        String type = definition.getShortName();
        String id = definition.getId();
        return new DelegateAsyncProcessor(target) {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                return processor.process(exchange, doneSync -> {
                    Exception e = exchange.getException();
                    if (e != null) {
                        FailedNode known = exchange.getProperty(FailedNode.PROPERTY, FailedNode.class);
                        if (known == null || known.error() != e) {
                            exchange.setProperty(FailedNode.PROPERTY, new FailedNode(type, id, e));
                        }
                    }
                    callback.done(doneSync);
                });
            }

            @Override
            public String toString() {
                return "FailedNodeRecorder[" + id + "]";
            }
        };
    }
}
