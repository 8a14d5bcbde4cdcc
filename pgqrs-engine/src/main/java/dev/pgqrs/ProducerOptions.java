package dev.pgqrs;


/**
 * How a producer behaves. Immutable; start from {@link #defaults()}.
 *
 * @param workerName      unique worker name, or null to generate one
 * @param ratePerSecond   token-bucket refill rate in messages per second; 0 for no limit
 * @param burst           bucket size: messages that may go at once after a quiet spell
 */
public record ProducerOptions(String workerName, double ratePerSecond, int burst) {

    public ProducerOptions {
        if (ratePerSecond < 0 || Double.isNaN(ratePerSecond)) {
            throw new ConfigException("producer rate limit must be >= 0 messages/second, was " + ratePerSecond);
        }
        if (ratePerSecond > 0 && burst < 1) {
            throw new ConfigException("producer burst must be at least 1 when a rate limit is set, was " + burst);
        }
    }

    public static ProducerOptions defaults() {
        return new ProducerOptions(null, 0, 0);
    }

    public ProducerOptions workerName(String name) {
        return new ProducerOptions(name, ratePerSecond, burst);
    }

    /** Limits enqueues to {@code perSecond} messages per second, allowing bursts of {@code burst}. */
    public ProducerOptions rateLimit(double perSecond, int burst) {
        return new ProducerOptions(workerName, perSecond, burst);
    }

}
