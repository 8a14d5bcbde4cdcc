package dev.pgqrs.bridge.connect;

import org.apache.camel.Endpoint;
import org.apache.camel.ErrorHandlerFactory;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.model.errorhandler.DeadLetterChannelDefinition;
import org.apache.camel.model.errorhandler.DefaultErrorHandlerDefinition;
import org.apache.camel.support.ExpressionAdapter;

import java.time.Duration;

/**
 * A connector's {@code errors.*} as the error handler of its routes, the way Kafka Connect's
 * RetryWithToleranceOperator works: a failed record is retried in place with back-off (300 ms, doubling, at
 * most {@code errors.retry.delay.max.ms}) while {@code errors.retry.timeout} has not passed since its first
 * failure; then, under {@code errors.tolerance=all}, the original record goes to the connector's dead-letter
 * queue with its error context and the route goes on (the source acknowledges it), and under {@code none}
 * the exchange fails: its source keeps the record (a pgqrs message is given back) and the route is stopped,
 * FAILED. A design's own {@code onException} clauses act first.
 */
final class ErrorHandling {

    static final String FIRST_FAILURE = "PgqrsBridgeFirstFailure";
    /** Attempts of the record in this delivery, counted on the exchange (the message may be replaced by the original). */
    static final String ATTEMPTS = "PgqrsBridgeAttempts";

    private ErrorHandling() {
    }

    static ErrorHandlerFactory factory(ConnectorConfig config, Endpoint deadLetters) {
        DefaultErrorHandlerDefinition handler = config.tolerance() == ConnectorConfig.Tolerance.ALL
                ? new DeadLetterChannelDefinition(deadLetters).useOriginalMessage()
                : new DefaultErrorHandlerDefinition();
        Duration timeout = config.retryTimeout();
        if (timeout.isZero()) {
            handler.maximumRedeliveries(0);
        } else {
            handler.maximumRedeliveries(-1)
                    .redeliveryDelay(ConnectorConfig.FIRST_RETRY_DELAY.toMillis())
                    .useExponentialBackOff().backOffMultiplier(2)
                    .maximumRedeliveryDelay(Math.max(config.maxRetryDelay().toMillis(), ConnectorConfig.FIRST_RETRY_DELAY.toMillis()))
                    .retryWhile(new RetryWindow(timeout));
        }
        handler.onExceptionOccurred(exchange -> exchange.setProperty(ATTEMPTS, exchange.getProperty(ATTEMPTS, 0, Integer.class) + 1));
        boolean log = config.logErrors();
        return handler.logExhausted(log).logStackTrace(log).logRetryAttempted(log)
                .retriesExhaustedLogLevel(LoggingLevel.WARN).retryAttemptedLogLevel(LoggingLevel.INFO);
    }

    /** True while the record's first failure is younger than the retry timeout (always for a negative timeout). */
    static final class RetryWindow extends ExpressionAdapter {
        private final Duration timeout;

        RetryWindow(Duration timeout) {
            this.timeout = timeout;
        }

        @Override
        public Object evaluate(Exchange exchange) {
            long now = System.currentTimeMillis();
            Long first = exchange.getProperty(FIRST_FAILURE, Long.class);
            if (first == null) {
                exchange.setProperty(FIRST_FAILURE, now);
                first = now;
            }
            return timeout.isNegative() || now - first < timeout.toMillis();
        }
    }
}
