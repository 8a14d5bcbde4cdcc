package dev.pgqrs.worker;

import dev.pgqrs.signal.Linger;
import dev.pgqrs.signal.QueueSignals;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The poll loop's linger: after a fetch that found work it looks again every eighth of the debounce window for
 * one window, without a signal, where it would otherwise wait its whole poll interval (an hour here).
 */
class PollLoopLingerTest {

    private static final long QUEUE = 7;

    @Test
    void aLoopThatFoundWorkLooksAgainWithinTheWindowWithoutASignal() throws Exception {
        QueueSignals signals = new QueueSignals(new Linger(Duration.ofSeconds(2)));
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger fetches = new AtomicInteger();
        PollLoop loop = new PollLoop("test loop", signals, QUEUE, Duration.ofHours(1), Duration.ofHours(1), 2.0,
                running::get, LoggerFactory.getLogger(PollLoopLingerTest.class));
        Thread thread = new Thread(() -> loop.run(() -> fetches.incrementAndGet() == 1 ? 1 : 0));
        thread.start();
        try {
            // one fetch with work, then an empty one, then up to eight looks within the two-second window
            await().atMost(Duration.ofSeconds(30)).until(() -> fetches.get() >= 5);
            // after the window it waits for a signal (or its hour): a signal brings one more fetch
            int afterWindow = fetches.get();
            signals.signal(QUEUE);
            await().atMost(Duration.ofSeconds(30)).until(() -> fetches.get() > afterWindow);
            assertThat(fetches.get()).isGreaterThan(afterWindow);
        } finally {
            running.set(false);
            signals.signal(QUEUE);
            thread.join(30_000);
        }
        assertThat(thread.isAlive()).isFalse();
    }

    @Test
    void aWaitIsCappedToAnEighthOfTheWindowOnlyWhileLingering() {
        Linger linger = new Linger(Duration.ofSeconds(40));
        Linger.Tracker tracker = linger.tracker();
        assertThat(tracker.cap(Duration.ofHours(1))).isEqualTo(Duration.ofHours(1)); // no work found yet
        tracker.foundWork();
        assertThat(tracker.lingering()).isTrue();
        assertThat(tracker.cap(Duration.ofHours(1))).isLessThanOrEqualTo(Duration.ofSeconds(5)).isPositive();
        assertThat(tracker.cap(Duration.ofMillis(5))).isLessThanOrEqualTo(Duration.ofMillis(5));

        Linger.Tracker none = Linger.NONE.tracker();
        none.foundWork();
        assertThat(none.lingering()).isFalse();
        assertThat(none.cap(Duration.ofHours(1))).isEqualTo(Duration.ofHours(1));
    }
}
