package dev.pgqrs.camel;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Headers that make a queue's deliveries to a broker safe to repeat ({@code process: {ref: kafkaRecord}} before
 * {@code to("kafka:…")}): a stable record key, so every delivery of a message lands in the same partition, and a
 * dedup header, so a consumer can drop the copy a redelivery sends (delivery is at least once: a process that dies
 * after the send and before the acknowledgement sends again).
 *
 * <ul>
 *   <li>{@link #setKeyHeader keyHeader} (default {@code kafka.KEY}): the payload's {@link #setKeyField keyField}
 *       when set and present (e.g. orderId), else the message id;</li>
 *   <li>{@link #setDedupHeader dedupHeader} (default {@code pgqrs-message-id}): {@code QUEUE:MESSAGE_ID}, the same on
 *       every delivery of the message (camel-kafka sends it as a record header).</li>
 * </ul>
 */
public class PgqrsSinkHeaders implements Processor {

    private String keyHeader = "kafka.KEY";
    private String keyField;
    private String dedupHeader = "pgqrs-message-id";

    @Override
    public void process(Exchange exchange) {
        Message in = exchange.getIn();
        Long id = in.getHeader(PgqrsConstants.MESSAGE_ID, Long.class);
        String queue = in.getHeader(PgqrsConstants.QUEUE, String.class);
        if (id == null || queue == null) {
            throw new IllegalArgumentException("pgqrs sink headers: the exchange was not consumed from a pgqrs queue (no "
                    + PgqrsConstants.MESSAGE_ID + " header)");
        }
        if (dedupHeader != null && !dedupHeader.isBlank()) {
            in.setHeader(dedupHeader, queue + ":" + id);
        }
        if (keyHeader != null && !keyHeader.isBlank()) {
            in.setHeader(keyHeader, key(in, id));
        }
    }

    private String key(Message in, long id) {
        if (keyField != null) {
            Object body = in.getBody();
            JsonNode tree = body instanceof JsonNode j ? j : parse(in.getBody(String.class));
            JsonNode field = tree == null ? null : tree.get(keyField);
            if (field != null && !field.isNull() && !field.isContainerNode()) {
                return field.asText();
            }
        }
        return String.valueOf(id);
    }

    private static JsonNode parse(String text) {
        try {
            return text == null ? null : dev.pgqrs.PayloadCodec.defaults().parse(text);
        } catch (RuntimeException notJson) {
            return null;
        }
    }

    public String getKeyHeader() {
        return keyHeader;
    }

    /** The header of the record key (default kafka.KEY); empty: none. */
    public void setKeyHeader(String keyHeader) {
        this.keyHeader = keyHeader;
    }

    public String getKeyField() {
        return keyField;
    }

    /** A top-level payload field that is the record key when present; the message id otherwise. */
    public void setKeyField(String keyField) {
        this.keyField = keyField;
    }

    public String getDedupHeader() {
        return dedupHeader;
    }

    /** The header carrying QUEUE:MESSAGE_ID (default pgqrs-message-id); empty: none. */
    public void setDedupHeader(String dedupHeader) {
        this.dedupHeader = dedupHeader;
    }
}
