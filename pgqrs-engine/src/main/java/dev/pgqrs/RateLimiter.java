package dev.pgqrs;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Token bucket. A request for more tokens than are available takes them anyway (the balance goes
 * negative) and sleeps until the bucket would have refilled, so a batch larger than the burst is
 * paced instead of refused.
 */
final class RateLimiter {

    private final double perNano;
    private final double capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private double tokens;
    private long refilledAt;

    RateLimiter(double perSecond, int burst) {
        this.perNano = perSecond / 1_000_000_000.0;
        this.capacity = burst;
        this.tokens = burst;
        this.refilledAt = System.nanoTime();
    }

    void acquire(int permits) {
        long waitNanos;
        lock.lock();
        try {
            long now = System.nanoTime();
            tokens = Math.min(capacity, tokens + (now - refilledAt) * perNano);
            refilledAt = now;
            tokens -= permits;
            waitNanos = tokens >= 0 ? 0 : (long) (-tokens / perNano);
        } finally {
            lock.unlock();
        }
        if (waitNanos > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(waitNanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PgqrsException("interrupted while waiting for the producer rate limit", e);
            }
        }
    }
}
