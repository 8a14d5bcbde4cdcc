package dev.pgqrs.camel;

import dev.pgqrs.testing.ConformanceTest;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.Registry;

import java.sql.Connection;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Enqueues inside a route's transaction commit and roll back with it; so do enqueues on a caller's connection. */
class TransactionRouteTest extends PgqrsCamelTestSupport {

    private final AtomicLong visibleInside = new AtomicLong(-1);

    @Override
    protected void bindToRegistry(Registry registry) throws Exception {
        super.bindToRegistry(registry);
        registry.bind("pgqrsTx", new PgqrsTransactionPolicy());
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:commit").transacted("pgqrsTx")
                        .to("pgqrs:tx")
                        .process(e -> visibleInside.set(store.queues().metrics("tx").pending()));
                from("direct:rollback").transacted("pgqrsTx")
                        .to("pgqrs:tx")
                        .to("pgqrs:tx")
                        .process(e -> {
                            throw new IllegalStateException("downstream failed");
                        });
                from("direct:rollbackOnly").transacted("pgqrsTx")
                        .to("pgqrs:tx")
                        .markRollbackOnly();
            }
        };
    }

    @ConformanceTest
    void anEnqueueInATransactedRouteIsVisibleOnlyOnCommit() {
        template.sendBody("direct:commit", Map.of("n", 1));

        assertThat(visibleInside.get()).as("pending while the transaction was open").isZero();
        assertThat(store.queues().metrics("tx").pending()).isEqualTo(1);
    }

    @ConformanceTest
    void enqueuesRollBackWhenTheRouteFailsOrIsMarkedRollbackOnly() {
        assertThatThrownBy(() -> template.sendBody("direct:rollback", Map.of("n", 1)))
                .isInstanceOf(CamelExecutionException.class)
                .hasStackTraceContaining("downstream failed");
        template.sendBody("direct:rollbackOnly", Map.of("n", 2));

        assertThat(store.queues().metrics("tx").total()).isZero();
        template.sendBody("direct:commit", Map.of("n", 3));
        assertThat(store.queues().metrics("tx").total()).isEqualTo(1);
    }

    @ConformanceTest
    void plainJavaCallersEnqueueOnTheirOwnConnection() throws Exception {
        store.queues().createIfAbsent("plain");
        try (Connection c = store.dataSource().getConnection()) {
            c.setAutoCommit(false);
            store.enqueue(c, "plain", Map.of("n", 1));
            c.rollback();
            assertThat(store.queues().metrics("plain").total()).isZero();

            store.enqueue(c, "plain", Map.of("n", 2));
            assertThat(store.queues().metrics("plain").pending()).as("before commit").isZero();
            c.commit();
            c.setAutoCommit(true);
        }
        assertThat(store.queues().metrics("plain").pending()).isEqualTo(1);
    }
}
