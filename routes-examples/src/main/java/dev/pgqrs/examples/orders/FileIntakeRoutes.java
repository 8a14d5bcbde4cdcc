package dev.pgqrs.examples.orders;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgqrs.InvalidPayloadException;
import dev.pgqrs.camel.PgqrsConstants;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;

import java.util.List;

/**
 * The file bridge: every {@code *.json}, {@code *.jsonl} or {@code *.ndjson} file dropped into the
 * inbox ({@code app.inbox}) becomes messages on {@code orders} — one JSON object, an array of
 * objects, or JSON lines. A file is one batch: all its orders are enqueued in one statement, or
 * none. Then the file moves to {@code .done/}; a file with a bad order moves to {@code .failed/},
 * with a {@code .error.txt} beside it saying which order and why.
 *
 * <p>A file is picked up once its size has stopped changing for half a second; writers that can,
 * should write under a name starting with '.' (ignored) and rename when done.
 */
public final class FileIntakeRoutes extends RouteBuilder {

    @Override
    public void configure() {
        from("file:{{app.inbox}}?antInclude=*.json,*.jsonl,*.ndjson"
                + "&readLock=changed&readLockCheckInterval=500&readLockMinAge=500"
                + "&move=.done/${file:name.noext}-${date:now:yyyyMMdd-HHmmssSSS}.${file:ext}"
                + "&moveFailed=.failed/${file:name}")
            .routeId("file-orders-in")
            .onException(InvalidOrderException.class, InvalidPayloadException.class)
                // not handled: the file consumer moves the file to .failed/
                .handled(false).logExhausted(false)
                .log(LoggingLevel.WARN, "rejected file ${file:name}: ${exception.message}")
                .setBody(simple("${exception.message}\n"))
                .to("file:{{app.inbox}}/.failed?fileName=${file:name}.error.txt")
            .end()
            .process(e -> {
                List<ObjectNode> orders = OrderValidator.parseMany(e.getMessage().getBody(String.class),
                        "file:" + e.getMessage().getHeader(Exchange.FILE_NAME));
                e.getMessage().setHeader("orderCount", orders.size());
                e.getMessage().setBody(orders);
            })
            .to("pgqrs:orders") // a List is one batch: one statement, all or nothing
            .log("accepted ${header.orderCount} order(s) from file ${file:name} as messages ${header." + PgqrsConstants.MESSAGE_IDS + "}");
    }
}
