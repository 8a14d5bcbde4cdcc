package dev.pgqrs.fault;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

import org.awaitility.core.ConditionTimeoutException;

import static org.awaitility.Awaitility.await;

/**
 * How far each process's traffic has come, read from its side effects: messages archived by its
 * consumers ({@code fault_effects}) and runs whose transactional step its workflow workers committed
 * ({@code fault_steps}, step {@code b}). A process has recovered from a fault once both have grown
 * beyond what they were when the fault ended.
 */
record Progress(Map<String, Long> archived, Map<String, Long> runs) {

    static final Progress NONE = new Progress(Map.of(), Map.of());

    static Progress now(FaultBackend db) {
        return new Progress(count(db, "SELECT process, count(*) FROM fault_effects GROUP BY process"),
                count(db, "SELECT process, count(*) FROM fault_steps WHERE step = 'b' GROUP BY process"));
    }

    /** Waits until every one of {@code processes} has archived a message and finished a run beyond {@code since}. */
    static void awaitBeyond(FaultBackend db, Collection<String> processes, Progress since) {
        try {
            await("progress of " + processes).atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50)).until(() -> {
                Progress p = now(db);
                return processes.stream().allMatch(process -> p.archived.getOrDefault(process, 0L) > since.archived.getOrDefault(process, 0L)
                        && p.runs.getOrDefault(process, 0L) > since.runs.getOrDefault(process, 0L));
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("no progress beyond " + since + ": now " + now(db) + "; this JVM's threads:\n" + threadDump(), e);
        }
    }

    /** Where every thread of this JVM is, for a test that found the traffic stuck. */
    static String threadDump() {
        StringBuilder b = new StringBuilder();
        Thread.getAllStackTraces().forEach((t, stack) -> {
            b.append('"').append(t.getName()).append("\" ").append(t.getState()).append('\n');
            for (StackTraceElement e : stack) {
                b.append("    at ").append(e).append('\n');
            }
        });
        return b.toString();
    }

    private static Map<String, Long> count(FaultBackend db, String sql) {
        Map<String, Long> counts = new HashMap<>();
        for (Object[] row : db.query(sql)) {
            counts.put((String) row[0], ((Number) row[1]).longValue());
        }
        return counts;
    }
}
