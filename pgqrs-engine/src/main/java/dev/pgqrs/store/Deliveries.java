package dev.pgqrs.store;

import dev.pgqrs.Message;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The deliveries a settling statement may change: each message id with the read_ct of the delivery the
 * caller holds. read_ct goes up with every delivery, so it is the delivery's fencing token: a caller whose
 * lease ran out and whose message was delivered again (to another consumer, or to another thread of the
 * same one) no longer matches and changes nothing.
 */
public final class Deliveries {

    private final List<Message> messages;
    private final long[] ids;
    private final int[] readCounts;

    private Deliveries(List<Message> messages) {
        this.messages = messages;
        this.ids = new long[messages.size()];
        this.readCounts = new int[messages.size()];
        for (int i = 0; i < ids.length; i++) {
            Message m = messages.get(i);
            ids[i] = m.id();
            readCounts[i] = m.readCount();
        }
    }

    public static Deliveries of(Collection<Message> messages) {
        return new Deliveries(List.copyOf(messages));
    }

    /** One delivery known by its id and read_ct only (a workflow run's lease). */
    public static Deliveries of(long id, int readCount) {
        return new Deliveries(List.of(leaseOnly(id, readCount)));
    }

    /** Deliveries known by their ids and read_cts only (the leases of a workflow worker's runs). */
    public static Deliveries of(Map<Long, Integer> readCountById) {
        List<Message> leases = new ArrayList<>(readCountById.size());
        readCountById.forEach((id, readCount) -> leases.add(leaseOnly(id, readCount)));
        return new Deliveries(leases);
    }

    private static Message leaseOnly(long id, int readCount) {
        return new Message(id, null, null, null, null, readCount, null, null, null, null, null, null);
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

    /** Maps rows returning (id, read_ct) back to the messages they settled, in the order given. */
    public Matcher matcher() {
        return new Matcher();
    }

    /** Collects the settled deliveries a statement returned. */
    public final class Matcher {
        private final Map<Long, List<Message>> byId = new HashMap<>();
        private final Set<Message> matched = new HashSet<>();

        private Matcher() {
            for (Message m : messages) {
                byId.computeIfAbsent(m.id(), k -> new ArrayList<>(1)).add(m);
            }
        }

        /** Records the delivery of the row's first two columns (id, read_ct) as settled; returns it. */
        public Message add(ResultSet rs) throws SQLException {
            long id = rs.getLong(1);
            int readCount = rs.getInt(2);
            for (Message m : byId.getOrDefault(id, List.of())) {
                if (m.readCount() == readCount) {
                    matched.add(m);
                    return m;
                }
            }
            return null;
        }

        /** The settled messages, in the order the caller passed them. */
        public List<Message> settled() {
            List<Message> inOrder = new ArrayList<>(matched.size());
            for (Message m : messages) {
                if (matched.contains(m)) {
                    inOrder.add(m);
                }
            }
            return inOrder;
        }
    }
}
