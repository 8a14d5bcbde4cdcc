package dev.pgqrs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How failing work is retried: how many attempts in all, how long to wait between them, and which errors
 * are not worth retrying. One type for queue messages handled by a {@link QueueWorker}
 * ({@link QueueWorkerOptions#retryPolicy}) and for workflow steps and runs
 * ({@code Workflow.withRetryPolicy}, per step in {@code RunContext.step}). Immutable.
 *
 * <p>The wait before attempt {@code n + 1}, after attempt {@code n} failed, is
 * {@code min(maxDelay, initialDelay × factor^(n-1))}, spread by ±{@code jitter} (a fraction), unless the
 * error is a {@link RetryLaterException} naming its own {@code retryAfter}. An error that is a
 * {@link PermanentFailureException}, or of a {@link #nonRetryable} type, is not retried at all.
 *
 * <pre>{@code
 * RetryPolicy.exponential(5, Duration.ofSeconds(1), Duration.ofMinutes(1)).withJitter(0.2)
 *            .nonRetryable(IllegalArgumentException.class)
 * }</pre>
 */
public final class RetryPolicy {

    /** Four attempts (three retries), exponential from 1 s to 60 s with 20 % jitter. */
    public static final RetryPolicy DEFAULT =
            exponential(4, Duration.ofSeconds(1), Duration.ofSeconds(60)).withJitter(0.2);

    private final int maxAttempts;
    private final Duration initialDelay;
    private final Duration maxDelay;
    private final double factor;
    private final double jitter;
    private final List<Class<? extends Throwable>> nonRetryable;

    private RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay, double factor, double jitter,
                        List<Class<? extends Throwable>> nonRetryable) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
        requireNotNegative("initialDelay", initialDelay);
        requireNotNegative("maxDelay", maxDelay);
        if (maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("maxDelay (" + maxDelay + ") must not be less than initialDelay (" + initialDelay + ")");
        }
        if (!(factor >= 1.0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("backoff factor must be at least 1, was " + factor);
        }
        if (!(jitter >= 0.0 && jitter <= 1.0)) {
            throw new IllegalArgumentException("jitter must be a fraction between 0 and 1, was " + jitter);
        }
        this.maxAttempts = maxAttempts;
        this.initialDelay = initialDelay;
        this.maxDelay = maxDelay;
        this.factor = factor;
        this.jitter = jitter;
        this.nonRetryable = List.copyOf(nonRetryable);
    }

    private static void requireNotNegative(String name, Duration d) {
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, was " + d);
        }
    }

    /** One attempt: every failure is final. */
    public static RetryPolicy noRetries() {
        return new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 1.0, 0.0, List.of());
    }

    /** Up to {@code maxAttempts} attempts, {@code delay} apart. */
    public static RetryPolicy fixed(int maxAttempts, Duration delay) {
        return new RetryPolicy(maxAttempts, delay, delay, 1.0, 0.0, List.of());
    }

    /** Up to {@code maxAttempts} attempts, waiting {@code initialDelay}, then twice as long each time, at most {@code maxDelay}. */
    public static RetryPolicy exponential(int maxAttempts, Duration initialDelay, Duration maxDelay) {
        return new RetryPolicy(maxAttempts, initialDelay, maxDelay, 2.0, 0.0, List.of());
    }

    public RetryPolicy withMaxAttempts(int attempts) {
        return new RetryPolicy(attempts, initialDelay, maxDelay, factor, jitter, nonRetryable);
    }

    /** Growth of the wait per attempt (1 = fixed). */
    public RetryPolicy withFactor(double backoffFactor) {
        return new RetryPolicy(maxAttempts, initialDelay, maxDelay, backoffFactor, jitter, nonRetryable);
    }

    /** Spreads each wait by up to ± this fraction, so runs that failed together do not retry together. */
    public RetryPolicy withJitter(double fraction) {
        return new RetryPolicy(maxAttempts, initialDelay, maxDelay, factor, fraction, nonRetryable);
    }

    /** Errors of these types (and their subtypes) are final at once, like {@link PermanentFailureException}. */
    @SafeVarargs
    public final RetryPolicy nonRetryable(Class<? extends Throwable>... types) {
        List<Class<? extends Throwable>> all = new ArrayList<>(nonRetryable);
        all.addAll(List.of(types));
        return new RetryPolicy(maxAttempts, initialDelay, maxDelay, factor, jitter, all);
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    public Duration initialDelay() {
        return initialDelay;
    }

    public Duration maxDelay() {
        return maxDelay;
    }

    public double factor() {
        return factor;
    }

    public double jitter() {
        return jitter;
    }

    /** Whether an error may be retried at all (attempts left aside). */
    public boolean isRetryable(Throwable error) {
        if (error instanceof PermanentFailureException) {
            return false;
        }
        for (Class<? extends Throwable> type : nonRetryable) {
            if (type.isInstance(error)) {
                return false;
            }
        }
        return true;
    }

    /** The wait before the next attempt after attempt {@code failedAttempt} (1-based) failed with {@code error}. */
    public Duration delayAfter(int failedAttempt, Throwable error) {
        if (error instanceof RetryLaterException r && r.retryAfter() != null) {
            return r.retryAfter();
        }
        double base = initialDelay.toMillis() * Math.pow(factor, Math.max(0, failedAttempt - 1));
        double capped = Math.min(base, maxDelay.toMillis());
        if (jitter > 0) {
            capped *= 1.0 + jitter * (2 * ThreadLocalRandom.current().nextDouble() - 1);
        }
        return Duration.ofMillis(Math.max(0, Math.round(capped)));
    }

    @Override
    public String toString() {
        return "RetryPolicy{maxAttempts=" + maxAttempts + ", initialDelay=" + initialDelay + ", maxDelay=" + maxDelay
                + ", factor=" + factor + ", jitter=" + jitter + ", nonRetryable=" + nonRetryable + "}";
    }
}
