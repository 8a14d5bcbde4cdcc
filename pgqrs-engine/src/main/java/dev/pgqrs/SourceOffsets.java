package dev.pgqrs;

import dev.pgqrs.store.Database;
import dev.pgqrs.store.SourceOffsetRepository;

import java.sql.Connection;
import java.util.Map;
import java.util.Optional;

/**
 * Where the sources feeding queues stand: for each source (a Kafka consumer, a file poller) and each of its
 * partitions ({@code orders-in/0}), the offset it has read up to, as text the source understands.
 *
 * <p>Write a position on the connection that enqueues what was read up to it ({@link #put(Connection, String,
 * String, String)}, in {@link Store#inTransaction} or a transaction of your own): the messages and the position
 * commit together, so a source that resumes from {@link #get} after a crash neither loses nor re-enqueues a
 * record — without a broker transaction. The last write of a partition wins; give each partition one writer.
 *
 * <p>Names and partition keys follow the rules of queue names (1 to 255 characters, no control characters).
 * Offsets are any non-null text.
 */
public final class SourceOffsets {

    private final Database database;
    private final SourceOffsetRepository rows;

    SourceOffsets(Database database) {
        this.database = database;
        this.rows = new SourceOffsetRepository(database.dialect());
    }

    /** The stored offset of a partition of the source, if any. */
    public Optional<String> get(String source, String partition) {
        check(source, partition);
        return database.read("read offset of " + describe(source, partition), c -> rows.find(c, source, partition));
    }

    /** As {@link #get(String, String)}, on the caller's connection (inside its transaction). */
    public Optional<String> get(Connection connection, String source, String partition) {
        check(source, partition);
        return database.onConnection(connection, "read offset of " + describe(source, partition),
                c -> rows.find(c, source, partition));
    }

    /** Every stored partition of the source and its offset, by partition key. */
    public Map<String, String> list(String source) {
        Names.requireKey("source name", source);
        return database.read("list offsets of source '" + Names.display(source) + "'", c -> rows.list(c, source));
    }

    /** Stores the partition's offset, in a transaction of its own. */
    public void put(String source, String partition, String offset) {
        check(source, partition, offset);
        database.execute("store offset of " + describe(source, partition), c -> {
            rows.put(c, source, partition, offset);
            return null;
        });
    }

    /**
     * Stores the partition's offset on the caller's connection, in its transaction: committed with the
     * enqueues made on the same connection, or rolled back with them.
     */
    public void put(Connection connection, String source, String partition, String offset) {
        check(source, partition, offset);
        database.onConnection(connection, "store offset of " + describe(source, partition), c -> {
            rows.put(c, source, partition, offset);
            return null;
        });
    }

    /** Forgets a partition's offset (the source starts it over); returns whether there was one. */
    public boolean delete(String source, String partition) {
        check(source, partition);
        return database.execute("delete offset of " + describe(source, partition), c -> rows.delete(c, source, partition));
    }

    /** Forgets every offset of the source; returns how many partitions it had. */
    public int deleteSource(String source) {
        Names.requireKey("source name", source);
        return database.execute("delete offsets of source '" + Names.display(source) + "'", c -> rows.deleteSource(c, source));
    }

    private static void check(String source, String partition, String offset) {
        check(source, partition);
        if (offset == null) {
            throw new IllegalArgumentException("offset of " + describe(source, partition) + " must not be null");
        }
    }

    private static void check(String source, String partition) {
        Names.requireKey("source name", source);
        Names.requireKey("partition key", partition);
    }

    private static String describe(String source, String partition) {
        return "partition '" + Names.display(partition) + "' of source '" + Names.display(source) + "'";
    }
}
