package dev.pgqrs.fault;

import dev.pgqrs.Store;
import dev.pgqrs.camel.PgqrsConstants;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

import java.time.Duration;
import java.util.List;

/**
 * The process {@link CamelRouteCrashTest} kills with {@code kill -9}: a Camel route
 * {@code from("pgqrs:fault-camel")} whose exchanges write a JDBC side effect ({@code fault_effects}, in a
 * transaction of their own) and are acknowledged by the consumer when their poll ends (at least once).
 *
 * <p>Hang points ({@link ChildControl}): {@code before-effect} (in the middle of an exchange, nothing
 * written), {@code after-effect} (the effect committed, the exchange not finished: it and the poll's
 * earlier exchanges are not acknowledged yet).
 */
public final class CamelRouteChild {

    public static final String QUEUE = "fault-camel";
    static final List<String> POINTS = List.of("before-effect", "after-effect");

    private CamelRouteChild() {
    }

    public static void main(String[] args) throws Exception {
        ChildControl control = ChildControl.start();
        Store store = ChildControl.openStore(b -> b
                .heartbeatInterval(Duration.ofSeconds(1))
                .staleWorkerTimeout(Duration.ofSeconds(4))
                .reaperInterval(Duration.ofSeconds(1))
                .maxReadCount(1_000)); // kills must never turn a message into a dead letter
        String process = control.process();
        CamelContext context = new DefaultCamelContext();
        context.getRegistry().bind("pgqrsStore", store); // the component autowires it
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("pgqrs:" + QUEUE + "?visibilityTimeout=2000&delay=50&maxMessagesPerPoll=5")
                        .routeId("fault-camel")
                        .process(e -> control.hangAt("before-effect"))
                        .process(e -> {
                            long id = e.getIn().getHeader(PgqrsConstants.MESSAGE_ID, Long.class);
                            store.inTransaction(c -> {
                                Effects.message(c, QUEUE, id, process);
                                return null;
                            });
                            control.hangAt("after-effect");
                            Thread.sleep(5); // the rest of the exchange's work
                        });
            }
        });
        context.start();
        ChildControl.say("READY");
        control.awaitStop();
        context.stop();
        store.close();
        ChildControl.say("STOPPED");
        System.exit(0);
    }
}
