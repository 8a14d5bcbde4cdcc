package dev.pgqrs;

import java.time.Duration;

/**
 * How a consumer behaves. Immutable; start from {@link #defaults()}.
 *
 * @param workerName         unique worker name, or null to generate one
 * @param visibilityTimeout  lease length for dequeues that name none; null for the store's default
 */
public record ConsumerOptions(String workerName, Duration visibilityTimeout) {

    public ConsumerOptions {
        if (visibilityTimeout != null && (visibilityTimeout.isNegative() || visibilityTimeout.isZero())) {
            throw new ConfigException("consumer visibility timeout must be positive, was " + visibilityTimeout);
        }
    }

    public static ConsumerOptions defaults() {
        return new ConsumerOptions(null, null);
    }

    public ConsumerOptions workerName(String name) {
        return new ConsumerOptions(name, visibilityTimeout);
    }

    public ConsumerOptions visibilityTimeout(Duration timeout) {
        return new ConsumerOptions(workerName, timeout);
    }
}
