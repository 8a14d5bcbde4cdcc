package dev.pgqrs.camel;

import dev.pgqrs.Store;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.spi.StateRepository;

import java.sql.Connection;

/**
 * Kafka offsets in the pgqrs store: a {@link StateRepository} for camel-kafka's {@code offsetRepository}, whose
 * positions are written in the same transaction as the enqueue of the record they follow. So a crash between the
 * two can neither lose nor duplicate a record, and no Kafka transaction (EOS) is needed:
 *
 * <pre>{@code
 * from("kafka:orders-in?groupId=intake&offsetRepository=#kafkaOffsets&autoCommitEnable=false&breakOnFirstError=true")
 *     .transacted("pgqrsTx")
 *     .to("pgqrs:orders")
 *     .bean("kafkaOffsets", "record");
 * }</pre>
 *
 * <p>{@link #record(Exchange)} stores the exchange's record position ({@code kafka.TOPIC}, {@code kafka.PARTITION},
 * {@code kafka.OFFSET}) on the connection of its pgqrs transaction; camel-kafka reads the positions back through
 * {@link #getState} when partitions are assigned and seeks to the record after each. Its own later
 * {@link #setState} (after the exchange) writes the same position again, harmlessly. Keys are camel-kafka's
 * ({@code topic/partition}), values the last enqueued record's offset; rows are
 * {@code pgqrs_source_offsets(source_name = sourceName, partition_key = topic/partition)}.
 *
 * <p>Turn off Kafka's own auto-commit ({@code autoCommitEnable=false}): a partition with no position stored here
 * yet starts from Kafka's committed offset (or {@code autoOffsetReset}), which must not have moved past records
 * whose messages never committed. {@code breakOnFirstError=true} makes a record whose exchange failed (the store
 * away) be read again instead of skipped.
 */
public class PgqrsOffsetRepository extends PgqrsStoreBean implements StateRepository<String, String> {

    static final String TOPIC = "kafka.TOPIC";
    static final String PARTITION = "kafka.PARTITION";
    static final String OFFSET = "kafka.OFFSET";

    private String sourceName = "camel-kafka";

    public PgqrsOffsetRepository() {
    }

    public PgqrsOffsetRepository(Store store, String sourceName) {
        super(store);
        this.sourceName = sourceName;
    }

    @Override
    public String getState(String key) {
        return store().sourceOffsets().get(sourceName, key).orElse(null);
    }

    @Override
    public void setState(String key, String value) {
        store().sourceOffsets().put(sourceName, key, value);
    }

    /**
     * Stores the position of the Kafka record the exchange carries, in the exchange's pgqrs transaction (a
     * {@link PgqrsTransactionPolicy} segment, or a {@link PgqrsIdempotencyPolicy}): it commits with the enqueue.
     */
    public void record(Exchange exchange) {
        Message in = exchange.getIn();
        String topic = in.getHeader(TOPIC, String.class);
        Integer partition = in.getHeader(PARTITION, Integer.class);
        Long offset = in.getHeader(OFFSET, Long.class);
        if (topic == null || partition == null || offset == null) {
            throw new IllegalArgumentException("pgqrs offset repository '" + sourceName + "': the exchange carries no Kafka "
                    + "record position (headers " + TOPIC + ", " + PARTITION + ", " + OFFSET + "); record() belongs in a route "
                    + "from a kafka: endpoint");
        }
        Connection c = PgqrsTransactionPolicy.connection(exchange);
        if (c == null) {
            throw new IllegalStateException("pgqrs offset repository '" + sourceName + "': record() must run in the route's "
                    + "pgqrs transaction (transacted with a PgqrsTransactionPolicy), or the offset could commit without "
                    + "the enqueue");
        }
        store().sourceOffsets().put(c, sourceName, topic + "/" + partition, String.valueOf(offset));
    }

    private Store store() {
        return store("pgqrs offset repository '" + sourceName + "'");
    }

    public String getSourceName() {
        return sourceName;
    }

    /** The source the offsets belong to, one per consumer group and topic set (default camel-kafka). */
    public void setSourceName(String sourceName) {
        this.sourceName = sourceName;
    }

    @Override
    public String toString() {
        return "PgqrsOffsetRepository[" + sourceName + "]";
    }
}
