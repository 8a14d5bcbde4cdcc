package dev.pgqrs.camel;

import dev.pgqrs.testing.ConformanceTest;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A route in another JVM is killed with SIGKILL in the middle of an exchange; the message is
 * delivered again to a new consumer once the dead consumer's lease runs out.
 */
class CrashRedeliveryTest extends PgqrsCamelTestSupport {

    @ConformanceTest
    void aMessageInFlightWhenItsRouteWasKilledIsRedeliveredToANewConsumer() throws Exception {
        store.queues().create("crash");
        long id = store.enqueue("crash", Map.of("order", 1));
        Path dir = Files.createDirectories(Path.of("target", "crash"));
        Path marker = dir.resolve("marker-" + System.nanoTime());
        Path log = dir.resolve("child-" + System.nanoTime() + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                CrashingRouteMain.class.getName(), backend.dsn(), backend.schema() == null ? "public" : backend.schema(),
                marker.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            await().atMost(60, TimeUnit.SECONDS).until(() -> Files.exists(marker) && Files.size(marker) > 0 || !child.isAlive());
            assertThat(child.isAlive()).as("child is processing (log: %s)", log).isTrue();
            assertThat(Files.readString(marker)).isEqualTo(Long.toString(id));
            assertThat(store.queues().metrics("crash").leased()).isEqualTo(1);
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no lease release
            child.waitFor(10, TimeUnit.SECONDS);
        }
        assertThat(child.exitValue()).isEqualTo(137);

        MockEndpoint recovered = getMockEndpoint("mock:recovered");
        recovered.expectedMessageCount(1);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("pgqrs:crash?delay=100&idleDelayFactor=1").to("mock:recovered");
            }
        });
        recovered.assertIsSatisfied(15_000);
        Exchange again = recovered.getReceivedExchanges().get(0);
        assertThat(again.getIn().getHeader(PgqrsConstants.MESSAGE_ID)).isEqualTo(id);
        assertThat(again.getIn().getHeader(PgqrsConstants.READ_COUNT)).isEqualTo(2);
        await().atMost(5, TimeUnit.SECONDS).until(() -> store.queues().metrics("crash").archived() == 1);
    }
}
