package dev.pgqrs.maintenance;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The pacing of retention batches, on a clock the test moves: no database, no waiting. */
class RetentionBatchesTest {

    private static final long MS = 1_000_000;

    private long now;
    private final List<Long> sleeps = new ArrayList<>();

    private RetentionBatches batches(double share, Duration pause) {
        return new RetentionBatches(3, pause, share, () -> true, () -> now, nanos -> {
            sleeps.add(nanos);
            now += nanos;
            return true;
        });
    }

    @Test
    void aBatchPausesForItsWorkNotForItsWaitForTheWritersTurn() {
        int[] calls = {0};
        long deleted = batches(0.05, Duration.ofMillis(10)).drain((from, limit, turn) -> {
            now += 50 * MS; // waiting for the connection and the writers' turn
            turn.began();
            now += 10 * MS; // deleting and committing
            return ++calls[0] < 3 ? Collections.nCopies(limit, 1L) : List.of(1L);
        });

        assertThat(deleted).isEqualTo(7);
        // 10 ms of work at a share of 0.05: 190 ms of pause (with the wait counted it would be 1,140 ms).
        assertThat(sleeps).containsExactly(190 * MS, 190 * MS);
    }

    @Test
    void aBatchThatDoesNotSayWhenItBeganIsTimedFromItsCall() {
        int[] calls = {0};
        batches(0.5, Duration.ZERO).drain((from, limit, turn) -> {
            now += 8 * MS;
            return ++calls[0] < 2 ? Collections.nCopies(limit, 1L) : List.of();
        });

        assertThat(sleeps).containsExactly(8 * MS);
    }

    @Test
    void theConfiguredPauseIsTheShortest() {
        int[] calls = {0};
        batches(1.0, Duration.ofMillis(10)).drain((from, limit, turn) -> {
            turn.began();
            now += 3 * MS;
            return ++calls[0] < 2 ? Collections.nCopies(limit, 1L) : List.of();
        });

        assertThat(sleeps).containsExactly(10 * MS);
    }

    @Test
    void eachBatchStartsAtTheNewestTimestampThePreviousReached() {
        List<Long> froms = new ArrayList<>();
        batches(1.0, Duration.ZERO).drain((from, limit, turn) -> {
            froms.add(from);
            return froms.size() == 1 ? List.of(5L, 9L, 7L) : List.of();
        });

        assertThat(froms).containsExactly(0L, 9L);
    }
}
