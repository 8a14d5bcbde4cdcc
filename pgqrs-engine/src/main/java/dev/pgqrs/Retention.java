package dev.pgqrs;

import java.time.Duration;

/**
 * How long the maintenance service keeps a queue's archived messages, or a workflow's finished runs: those
 * older than {@code maxAge} go, and beyond the newest {@code maxCount} the older ones go; either limit may be
 * absent (null), and with neither everything is kept. The store's configuration gives the defaults
 * ({@code archive_retention}, {@code archive_max_count}, {@code run_retention}, {@code run_max_count}); an
 * override set on a queue ({@link Queues#setRetention}) or a workflow replaces both of them for it.
 *
 * <p>Never deleted by retention: dead letters, and messages that carry a workflow run (they go with their run).
 * Rows archived (or finished) at the same instant as the last one a count keeps are kept with it.
 *
 * @param maxAge   delete what was archived (finished) longer ago than this; null: no age limit
 * @param maxCount keep at most this many (the newest); null: no count limit
 */
public record Retention(Duration maxAge, Long maxCount) {

    /** Keeps everything. */
    public static final Retention FOREVER = new Retention(null, null);

    public Retention {
        if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
            throw new ConfigException("retention max age must be a positive duration, was " + maxAge);
        }
        if (maxAge != null && maxAge.toMillis() < 1) {
            throw new ConfigException("retention max age must be at least 1 ms, was " + maxAge);
        }
        if (maxCount != null && maxCount < 1) {
            throw new ConfigException("retention max count must be at least 1, was " + maxCount);
        }
    }

    /** Deletes what was archived (or finished) longer ago than {@code maxAge}. */
    public static Retention deleteOlderThan(Duration maxAge) {
        return new Retention(requireAge(maxAge), null);
    }

    /** Keeps the newest {@code maxCount} only. */
    public static Retention keepNewest(long maxCount) {
        return new Retention(null, maxCount);
    }

    /** This retention with a count limit as well. */
    public Retention andKeepNewest(long count) {
        return new Retention(maxAge, count);
    }

    /** This retention with an age limit as well. */
    public Retention andDeleteOlderThan(Duration age) {
        return new Retention(requireAge(age), maxCount);
    }

    /** True when neither limit is set. */
    public boolean keepsForever() {
        return maxAge == null && maxCount == null;
    }

    private static Duration requireAge(Duration age) {
        if (age == null) {
            throw new ConfigException("retention max age must be a positive duration, was null");
        }
        return age;
    }
}
