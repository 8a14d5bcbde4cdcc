package dev.pgqrs.camel;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The child process of {@link CrashRedeliveryTest}: a route that consumes queue {@code crash},
 * writes the message id to a marker file and then hangs mid-exchange until it is killed.
 * Args: DSN, schema, marker file.
 */
public final class CrashingRouteMain {

    private CrashingRouteMain() {
    }

    public static void main(String[] args) throws Exception {
        String dsn = args[0];
        String schema = args[1];
        Path marker = Path.of(args[2]);
        CamelContext context = new DefaultCamelContext();
        PgqrsComponent pgqrs = context.getComponent("pgqrs", PgqrsComponent.class);
        pgqrs.setDsn(dsn);
        pgqrs.setSchema(schema);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("pgqrs:crash?visibilityTimeout=2000&delay=100").process(e -> {
                    Files.writeString(marker, e.getIn().getHeader(PgqrsConstants.MESSAGE_ID, String.class));
                    Thread.sleep(600_000);
                });
            }
        });
        context.start();
        Thread.sleep(600_000);
    }
}
