package dev.pgqrs.camel;

import dev.pgqrs.PermanentFailureException;
import dev.pgqrs.RetryLaterException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.spi.Policy;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns the answer of an HTTP call from a queue's route into the message's fate, under the consumer's own retry
 * options ({@code maxAttempts}, {@code retryDelay}, … and {@code deadLetterQueue}): {@code policy: {ref: httpSink}}
 * around a {@code to("http:…?throwExceptionOnFailure=false&responseTimeout=…")}.
 *
 * <ul>
 *   <li>before the call, header {@link #setKeyHeader Idempotency-Key} is set to {@code pgqrs:QUEUE:MESSAGE_ID} (stable
 *       across redeliveries), so the receiver can drop a repeated delivery;</li>
 *   <li>2xx and 3xx: done, the message is acknowledged;</li>
 *   <li>408, 425, 429 ({@link #setRetryStatuses retryStatuses}) and 5xx: a failed attempt, retried after the
 *       consumer's back-off, or after the answer's {@code Retry-After} when it gives one; dead-lettered when the
 *       attempts are used up;</li>
 *   <li>other 4xx: a permanent failure ({@code PermanentFailureException}), dead-lettered at once;</li>
 *   <li>no answer (a timeout, a refused connection): the client's exception, a failed attempt.</li>
 * </ul>
 *
 * <p>Delivery is at least once: a process that dies after the call and before the acknowledgement calls again.
 */
public class PgqrsHttpSinkPolicy implements Policy {

    static final String RETRY_AFTER = "Retry-After";

    private String keyHeader = "Idempotency-Key";
    private Set<Integer> retryStatuses = new TreeSet<>(Set.of(408, 425, 429));
    private long maxRetryAfter = Duration.ofHours(1).toMillis();

    @Override
    public void beforeWrap(Route route, NamedNode definition) {
        // nothing to prepare
    }

    @Override
    public Processor wrap(Route route, Processor processor) {
        return new SegmentProcessor(processor) {
            @Override
            protected void around(Exchange exchange) throws Exception {
                Message in = exchange.getIn();
                Long id = in.getHeader(PgqrsConstants.MESSAGE_ID, Long.class);
                String queue = in.getHeader(PgqrsConstants.QUEUE, String.class);
                if (keyHeader != null && !keyHeader.isBlank() && id != null && queue != null) {
                    in.setHeader(keyHeader, "pgqrs:" + queue + ":" + id);
                }
                runSegment(exchange);
                if (exchange.getException() == null) {
                    judge(exchange);
                }
            }

            @Override
            public String toString() {
                return "PgqrsHttpSink[" + getProcessor() + "]";
            }
        };
    }

    private void judge(Exchange exchange) {
        Message answer = exchange.getMessage();
        Integer status = answer.getHeader(PgqrsIdempotencyPolicy.HTTP_RESPONSE_CODE, Integer.class);
        if (status == null || status < 400) {
            return;
        }
        String text = "HTTP " + status + " from " + exchange.getProperty(Exchange.TO_ENDPOINT, "the receiver", String.class)
                + describeBody(answer);
        if (status >= 500 || retryStatuses.contains(status)) {
            Duration after = retryAfter(answer.getHeader(RETRY_AFTER, String.class));
            exchange.setException(after != null ? new RetryLaterException(text, after) : new HttpStatusException(text));
        } else {
            exchange.setException(new PermanentFailureException(text + " (a 4xx answer is not retried)"));
        }
    }

    private static String describeBody(Message answer) {
        String body = answer.getBody(String.class);
        if (body == null || body.isBlank()) {
            return "";
        }
        return ": " + (body.length() > 200 ? body.substring(0, 200) + "…" : body);
    }

    /** Retry-After in seconds or as an HTTP date; null when absent or unreadable. */
    Duration retryAfter(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        Duration d;
        try {
            d = Duration.ofSeconds(Long.parseLong(header.trim()));
        } catch (NumberFormatException notSeconds) {
            try {
                d = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME));
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
        if (d.isNegative()) {
            return Duration.ZERO;
        }
        return d.toMillis() > maxRetryAfter ? Duration.ofMillis(maxRetryAfter) : d;
    }

    public String getKeyHeader() {
        return keyHeader;
    }

    /** The header carrying the delivery's stable key to the receiver (default Idempotency-Key; empty: none). */
    public void setKeyHeader(String keyHeader) {
        this.keyHeader = keyHeader;
    }

    public String getRetryStatuses() {
        return String.join(",", retryStatuses.stream().map(String::valueOf).toList());
    }

    /** The 4xx statuses that are retried like a 5xx (default 408,425,429), comma-separated. */
    public void setRetryStatuses(String statuses) {
        Set<Integer> parsed = new TreeSet<>();
        for (String s : statuses.split(",")) {
            if (!s.isBlank()) {
                try {
                    parsed.add(Integer.parseInt(s.trim()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("pgqrs HTTP sink: retryStatuses '" + statuses + "' must be HTTP "
                            + "status codes separated by commas, e.g. 408,425,429");
                }
            }
        }
        this.retryStatuses = parsed;
    }

    public long getMaxRetryAfter() {
        return maxRetryAfter;
    }

    /** The longest wait a Retry-After may ask for, in milliseconds (default one hour). */
    public void setMaxRetryAfter(long maxRetryAfter) {
        this.maxRetryAfter = maxRetryAfter;
    }

    /** An answer worth retrying (5xx, or one of the retried 4xx) without a Retry-After. */
    public static final class HttpStatusException extends Exception {
        public HttpStatusException(String message) {
            super(message);
        }
    }
}
