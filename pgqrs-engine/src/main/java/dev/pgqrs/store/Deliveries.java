package dev.pgqrs.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The deliveries ({@link Lease}s) a settling statement may change, bound as two parallel lists: message
 * ids and read counts (see {@link Dialect#bindDeliveries}). Each id appears once: every delivery raises a
 * message's read count, so of several deliveries of one message only the one with the highest count can still
 * be held, and the statements look a row's read count up by its id.
 */
public final class Deliveries {

    private final long[] ids;
    private final int[] readCounts;

    private Deliveries(long[] ids, int[] readCounts) {
        this.ids = ids;
        this.readCounts = readCounts;
    }

    public static Deliveries of(Collection<Lease> leases) {
        Map<Long, Integer> latest = new LinkedHashMap<>(leases.size() * 2);
        for (Lease lease : leases) {
            latest.merge(lease.messageId(), lease.readCount(), Math::max);
        }
        long[] ids = new long[latest.size()];
        int[] readCounts = new int[latest.size()];
        int i = 0;
        for (Map.Entry<Long, Integer> delivery : latest.entrySet()) {
            ids[i] = delivery.getKey();
            readCounts[i] = delivery.getValue();
            i++;
        }
        return new Deliveries(ids, readCounts);
    }

    public static Deliveries of(Lease lease) {
        return new Deliveries(new long[] {lease.messageId()}, new int[] {lease.readCount()});
    }

    public boolean isEmpty() {
        return ids.length == 0;
    }

    public int size() {
        return ids.length;
    }

    public long[] ids() {
        return ids;
    }

    public int[] readCounts() {
        return readCounts;
    }

    public Long[] boxedIds() {
        Long[] boxed = new Long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            boxed[i] = ids[i];
        }
        return boxed;
    }

    public Integer[] boxedReadCounts() {
        Integer[] boxed = new Integer[readCounts.length];
        for (int i = 0; i < readCounts.length; i++) {
            boxed[i] = readCounts[i];
        }
        return boxed;
    }

    /** The delivery a settling statement's row names in its first two columns (id, read_ct). */
    public static Lease settled(ResultSet rs) throws SQLException {
        return new Lease(rs.getLong(1), rs.getInt(2));
    }
}
