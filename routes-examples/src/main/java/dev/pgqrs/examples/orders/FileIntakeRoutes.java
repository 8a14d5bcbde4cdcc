package dev.pgqrs.examples.orders;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgqrs.InvalidPayloadException;
import dev.pgqrs.StoreUnavailableException;
import dev.pgqrs.OutageLog;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.ProcessorDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The file bridge: every {@code *.json}, {@code *.jsonl} or {@code *.ndjson} file dropped into the
 * inbox ({@code app.inbox}) becomes fulfilment runs — one JSON object, an array of objects, or JSON
 * lines (UTF-8). A file is one batch: the runs of all its new orders are started in one transaction,
 * or none; an order taken in before (by any intake) is a duplicate and starts nothing. Then the file
 * moves to {@code .done/}. A file that cannot be taken as it is (empty, not
 * UTF-8, a bad order) moves to {@code .failed/} with a {@code NAME.error.txt} beside it saying why.
 * A file that could not be enqueued because the store was away is not the file's fault: it stays in
 * the inbox and is tried again at the next poll, until the store is back.
 *
 * <p>A file is picked up once its size has stopped changing for half a second (an empty one too, so it
 * is rejected rather than waited for forever); writers that can, should write under a name starting
 * with '.' (ignored) and rename when done.
 */
public final class FileIntakeRoutes extends RouteBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(FileIntakeRoutes.class);

    /** Where the file moves when its exchange completes, relative to the inbox; decided by the route. */
    static final String TARGET = "inboxTarget";

    @Override
    public void configure() {
        OutageLog outage = new OutageLog(LOG, "file intake");
        OrderIntake intake = getContext().getRegistry().lookupByNameAndType(OrderIntake.BEAN, OrderIntake.class);

        // No moveFailed: a failed exchange leaves the file where it is, for the next poll. Only the store
        // being away fails it; everything else about a file is answered by moving it to .failed/.
        ProcessorDefinition<?> route = from("file:{{app.inbox}}?antInclude=*.json,*.jsonl,*.ndjson"
                + "&readLock=changed&readLockCheckInterval=500&readLockMinAge=500&readLockMinLength=0"
                + "&move=${exchangeProperty." + TARGET + "}")
            .routeId("file-orders-in")
            .onException(StoreUnavailableException.class).handled(false).logExhausted(false)
                .process(e -> outage.failed(e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class),
                        "files stay in the inbox and are tried again at each poll"))
            .end()
            .onException(Exception.class).handled(true).logExhausted(false)
                .process(FileIntakeRoutes::reject)
                .to("file:{{app.inbox}}/.failed?fileName=${file:name}.error.txt&tempPrefix=.writing-")
            .end()
            .setProperty(TARGET, simple(".failed/${file:name}")) // until its orders are taken in
            .process(e -> {
                byte[] bytes = e.getMessage().getBody(byte[].class);
                if (bytes == null || bytes.length == 0) {
                    throw new InvalidOrderException("empty file: an order file holds one JSON object, a JSON array of "
                            + "orders, or JSON lines");
                }
                String text = Utf8Text.decode(bytes, "the file");
                List<ObjectNode> orders = OrderValidator.parseMany(text, "file:" + e.getMessage().getHeader(Exchange.FILE_NAME));
                e.getMessage().setHeader("orderCount", orders.size());
                e.getMessage().setBody(orders);
            });
        // The new orders of a file start their runs as one batch (one transaction, all or nothing); orders
        // taken in before are duplicates, listed and not fulfilled again.
        OrderIntake.acceptAll(route, intake)
            .process(e -> outage.succeeded())
            .setProperty(TARGET, simple(".done/${file:name.noext}-${date:now:yyyyMMdd-HHmmssSSS}.${file:ext}"))
            .log("took in ${header.orderCount} order(s) from file ${file:name}: ${body}");
    }

    /** The file goes to .failed/, its reason into the body for NAME.error.txt: one log line, no stack trace. */
    private static void reject(Exchange e) {
        Exception cause = e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        boolean aboutTheFile = cause instanceof InvalidOrderException || cause instanceof InvalidPayloadException;
        String reason = aboutTheFile ? cause.getMessage() : "the file could not be processed: " + cause;
        String name = e.getMessage().getHeader(Exchange.FILE_NAME, String.class);
        LOG.warn("rejected file {}, moved to .failed/ with {}.error.txt: {}", name, name, reason);
        if (!aboutTheFile) {
            LOG.debug("file {} failed", name, cause);
        }
        e.setProperty(TARGET, ".failed/" + name);
        e.getMessage().setBody(reason + "\n");
    }
}
