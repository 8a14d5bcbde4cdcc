package dev.pgqrs.maintenance;

import dev.pgqrs.Retention;

import java.util.function.LongFunction;

/** Where a retention's limits put the line: rows strictly older than the cutoff (epoch ms) go. */
final class Cutoffs {

    private Cutoffs() {
    }

    /**
     * The later of the two limits' cutoffs, or null when nothing goes: the age limit's is now minus the age;
     * the count limit's is the timestamp of the newest row past the count ({@code nthNewest} of the count),
     * none when there are no more rows than the count.
     */
    static Long of(long nowMillis, Retention retention, LongFunction<Long> nthNewest) {
        Long cutoff = null;
        if (retention.maxAge() != null) {
            cutoff = nowMillis - retention.maxAge().toMillis();
        }
        if (retention.maxCount() != null) {
            Long kept = nthNewest.apply(retention.maxCount());
            if (kept != null && (cutoff == null || kept > cutoff)) {
                cutoff = kept;
            }
        }
        return cutoff;
    }

    static String describe(Retention retention) {
        if (retention.maxAge() != null && retention.maxCount() != null) {
            return "older than " + retention.maxAge() + " or beyond the newest " + retention.maxCount();
        }
        return retention.maxAge() != null ? "older than " + retention.maxAge() : "beyond the newest " + retention.maxCount();
    }
}
