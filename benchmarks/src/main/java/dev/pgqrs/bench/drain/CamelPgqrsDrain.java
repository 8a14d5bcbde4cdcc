package dev.pgqrs.bench.drain;

import dev.pgqrs.Store;
import dev.pgqrs.bench.db.DatabaseSlot;
import dev.pgqrs.camel.PgqrsComponent;
import dev.pgqrs.camel.PgqrsConstants;
import dev.pgqrs.config.Backend;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * The same drain through the pgqrs Camel component: one {@code from("pgqrs:bench")} route with
 * {@code concurrentConsumers} = consumers and {@code maxMessagesPerPoll} = batch, every other
 * option at its default — or with {@code piggybackAcks} set. The component runs on the engine's queue worker:
 * the exchanges of a poll that complete on its thread are acknowledged together, by the next poll's statement
 * where acks are piggybacked (one commit per poll), else in one statement after the poll (two per poll).
 */
public final class CamelPgqrsDrain implements DrainContender {

    private final Boolean piggybackAcks;

    /** The component's defaults. */
    public CamelPgqrsDrain() {
        this(null);
    }

    /** With {@code piggybackAcks} set (null: the default). */
    public CamelPgqrsDrain(Boolean piggybackAcks) {
        this.piggybackAcks = piggybackAcks;
    }

    @Override
    public String name() {
        return piggybackAcks == null ? "camel-pgqrs" : piggybackAcks ? "camel-pgqrs-piggyback" : "camel-pgqrs-separate";
    }

    @Override
    public String description() {
        return "from(\"pgqrs:bench?concurrentConsumers=c&maxMessagesPerPoll=b" + option() + "\") route, component "
                + "defaults otherwise (lease extension on, a poll's completed exchanges acked together"
                + (piggybackAcks == null ? ", by the next poll where the engine measured it faster" : "") + "), on the same engine Store";
    }

    private String option() {
        return piggybackAcks == null ? "" : "&piggybackAcks=" + piggybackAcks;
    }

    @Override
    public boolean supports(Backend backend) {
        return true;
    }

    @Override
    public PreparedDrain prepare(DatabaseSlot slot, DrainCell cell, DrainSettings settings) {
        try (Store store = PgqrsDrain.openStore(slot)) {
            PgqrsDrain.installAndPrefill(store, settings.messages());
        }
        slot.settle("pgqrs_messages");
        return new Prepared(PgqrsDrain.openStore(slot), cell);
    }

    private final class Prepared implements PreparedDrain {

        private final Store store;
        private final DrainCell cell;

        Prepared(Store store, DrainCell cell) {
            this.store = store;
            this.cell = cell;
        }

        @Override
        public void drain(DrainProbe probe) throws Exception {
            try (CamelContext camel = new DefaultCamelContext()) {
                PgqrsComponent component = new PgqrsComponent();
                component.setStore(store);
                camel.addComponent("pgqrs", component);
                camel.getShutdownStrategy().setTimeout(10);
                camel.addRoutes(new RouteBuilder() {
                    @Override
                    public void configure() {
                        from("pgqrs:" + PgqrsDrain.QUEUE + "?concurrentConsumers=" + cell.consumers()
                                + "&maxMessagesPerPoll=" + cell.batch() + option())
                                .routeId("camel-pgqrs").autoStartup(false)
                                .process(exchange -> {
                                    exchange.getIn().getBody(String.class); // the work: hand the payload on
                                    probe.delivered(exchange.getIn().getHeader(PgqrsConstants.MESSAGE_ID, Long.class));
                                });
                    }
                });
                camel.start();
                probe.startClock();
                camel.getRouteController().startAllRoutes();
                // Acknowledgements happen inside the component after each exchange; the run is over
                // when every message was delivered and the queue holds no lease any more.
                while (!probe.timeUp()) {
                    if (probe.delivered() >= probe.messages() && unacknowledged() == 0) {
                        break;
                    }
                    Thread.sleep(probe.delivered() >= probe.messages() ? 1 : 5);
                }
                probe.stopClock();
                probe.acked((int) (probe.messages() - unacknowledged()));
                camel.getRouteController().stopAllRoutes();
            }
        }

        private long unacknowledged() {
            var metrics = store.queues().metrics(PgqrsDrain.QUEUE);
            return metrics.pending() + metrics.leased();
        }

        @Override
        public long remaining() {
            return unacknowledged();
        }

        @Override
        public void close() {
            store.close();
        }
    }
}
