package dev.pgqrs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Messages that will not be delivered again: delivered {@code max_read_ct} times, or
 * dead-lettered by a consumer. They stay in the table (archived, with {@code dead_lettered_at}
 * and the last error) until replayed or purged with the queue.
 */
public final class DeadLetters {

    private final Store store;

    DeadLetters(Store store) {
        this.store = store;
    }

    /** Up to {@code limit} dead letters of a queue, oldest first. */
    public List<Message> list(String queue, int limit) {
        QueueInfo q = store.queues().get(queue);
        int maxReadCount = store.config().maxReadCount();
        return store.database().read("list dead letters of '" + queue + "'",
                c -> store.messageRows().listDeadLetters(c, q.id(), q.name(), maxReadCount, limit));
    }

    /**
     * Makes dead letters deliverable again with a fresh delivery count; returns the ids replayed. A
     * replay starts a new run of each message: checkpoints of durable steps its earlier deliveries
     * recorded are deleted in the same transaction.
     */
    public List<Long> replay(String queue, Collection<Long> ids) {
        QueueInfo q = store.queues().get(queue);
        int maxReadCount = store.config().maxReadCount();
        List<Long> replayed = store.database().transaction("replay dead letters of '" + queue + "'", c -> {
            List<Long> done = store.messageRows().replay(c, q.id(), maxReadCount, ids);
            store.checkpoints().forgetMessages(c, done);
            return done;
        });
        store.wakeUps().visibleNow(q.id());
        return replayed;
    }

    /**
     * Replays dead letters by id, whatever their queues (see {@link #replay(String, Collection)}): one transaction.
     * Returns the ids replayed; an id that is not a dead letter (no such message, or one still deliverable) is
     * left out.
     */
    public List<Long> replay(Collection<Long> ids) {
        int maxReadCount = store.config().maxReadCount();
        Map<Long, List<Long>> byQueue = new LinkedHashMap<>();
        List<Long> replayed = store.database().transaction("replay dead letters " + ids, c -> {
            store.messageRows().queueIdsOf(c, ids)
                    .forEach((id, queueId) -> byQueue.computeIfAbsent(queueId, q -> new ArrayList<>()).add(id));
            List<Long> done = new ArrayList<>();
            for (Map.Entry<Long, List<Long>> e : byQueue.entrySet()) {
                done.addAll(store.messageRows().replay(c, e.getKey(), maxReadCount, e.getValue()));
            }
            store.checkpoints().forgetMessages(c, done);
            return done;
        });
        byQueue.keySet().forEach(q -> store.wakeUps().visibleNow(q));
        return replayed;
    }

    public boolean replay(String queue, long id) {
        return replay(queue, List.of(id)).size() == 1;
    }

    public List<Long> replay(String queue, Long... ids) {
        return replay(queue, Arrays.asList(ids));
    }

    /**
     * Deletes dead letters for good (an operator's decision that they will never be handled); returns the ids
     * deleted. An id that is not a dead letter of the queue (pending, leased, archived, replayed, another
     * queue's), and a dead letter that carries a workflow run (the run keeps its message), is left as it is
     * and missing from the answer. Checkpoints of durable steps its deliveries recorded go with it, in the
     * same transaction.
     */
    public List<Long> delete(String queue, Collection<Long> ids) {
        QueueInfo q = store.queues().get(queue);
        if (ids.isEmpty()) {
            return List.of();
        }
        int maxReadCount = store.config().maxReadCount();
        return store.database().transaction("delete dead letters of '" + queue + "'", c -> {
            List<Long> deleted = store.messageRows().deleteDeadLetters(c, q.id(), maxReadCount, ids);
            store.checkpoints().forgetMessages(c, deleted); // where the foreign key does not cascade (SQLite without it on)
            return deleted;
        });
    }

    /** Replays every dead letter of the queue (see {@link #replay(String, Collection)}); returns how many. */
    public int replayAll(String queue) {
        QueueInfo q = store.queues().get(queue);
        int maxReadCount = store.config().maxReadCount();
        List<Long> replayed = store.database().transaction("replay dead letters of '" + queue + "'", c -> {
            List<Long> done = store.messageRows().replayAll(c, q.id(), maxReadCount);
            store.checkpoints().forgetMessages(c, done);
            return done;
        });
        store.wakeUps().visibleNow(q.id());
        return replayed.size();
    }
}
