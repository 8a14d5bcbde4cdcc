package dev.pgqrs.bench.latency;

/**
 * The message of the latency scenario: a small JSON object carrying the {@link System#nanoTime()}
 * at which the producer was scheduled to send it. Producer and consumer share one JVM, so the
 * consumer's clock reading minus the stamp is the enqueue-to-processing latency — measured from
 * the scheduled time, so a producer that falls behind shows up as latency instead of hiding it.
 */
final class Stamp {

    private static final String PREFIX = "{\"kind\":\"bench.latency\",\"t\":";

    private Stamp() {
    }

    static String json(long scheduledNanos) {
        return PREFIX + scheduledNanos + ",\"pad\":\"" + "x".repeat(180) + "\"}";
    }

    /** Reads the stamp back without a JSON parser (the same few instructions for every contender). */
    static long read(String json) {
        int from = json.indexOf("\"t\":") + 4;
        while (json.charAt(from) == ' ') {
            from++; // PostgreSQL's jsonb prints "t": 123
        }
        int to = from;
        while (to < json.length() && (Character.isDigit(json.charAt(to)) || json.charAt(to) == '-')) {
            to++;
        }
        return Long.parseLong(json, from, to, 10);
    }
}
