package dev.pgqrs;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** What an outage log writes, on a clock the test moves: one line down, one up, flapping summed, long ones said. */
class OutageLogLinesTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final Logger logger = (Logger) LoggerFactory.getLogger("outage-log-lines-test");
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final StoreUnavailableException away = new StoreUnavailableException("connection refused", null);
    private OutageLog outage;

    @BeforeEach
    void capture() {
        lines.start();
        logger.addAppender(lines);
        logger.setLevel(Level.INFO);
        outage = new OutageLog(logger, "poller", now::get);
    }

    @AfterEach
    void release() {
        logger.detachAppender(lines);
    }

    private void advance(long millis) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    private List<String> logged() {
        return lines.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
    }

    @Test
    void anOutageIsOneLineWhenItStartsAndOneWhenItEnds() {
        for (int i = 0; i < 20; i++) {
            outage.failed(away, "retrying");
            advance(500);
        }
        outage.succeeded();
        outage.succeeded();

        assertThat(logged()).hasSize(2);
        assertThat(logged().get(0)).startsWith("WARN poller: database unreachable (connection refused); retrying");
        assertThat(logged().get(1)).isEqualTo("INFO poller: database reachable again after 10000 ms (20 failed attempt(s))");
    }

    @Test
    void shortOutagesSoonAfterARecoveryAreSummedUpOncePerMinute() {
        outage.failed(away, "retrying");
        advance(200);
        outage.succeeded();
        for (int i = 0; i < 10; i++) { // a flapping connection: 10 more short outages within the minute
            advance(3_000);
            outage.failed(away, "retrying");
            advance(200);
            outage.succeeded();
        }
        advance(60_000);
        outage.succeeded();

        assertThat(logged()).hasSize(3);
        assertThat(logged().get(2)).startsWith("INFO poller: 10 more short database outage(s) in the last");
    }

    @Test
    void aLongOutageSoonAfterARecoveryIsStillAnnounced() {
        outage.failed(away, "retrying");
        advance(200);
        outage.succeeded();
        advance(5_000);
        outage.failed(away, "retrying"); // within a minute of the recovery: counted, not announced yet
        assertThat(logged()).hasSize(2);
        for (int i = 0; i < 30; i++) {
            advance(1_000);
            outage.failed(away, "retrying");
        }
        outage.succeeded();

        assertThat(logged()).hasSize(4);
        assertThat(logged().get(2)).startsWith("WARN poller: database unreachable for 10000 ms (connection refused)");
        assertThat(logged().get(3)).startsWith("INFO poller: database reachable again after 30000 ms");
        advance(60_000);
        outage.succeeded();
        assertThat(logged()).as("the long outage is not counted among the short ones").hasSize(4);
    }
}
