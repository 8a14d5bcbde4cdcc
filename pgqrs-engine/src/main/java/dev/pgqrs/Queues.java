package dev.pgqrs;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Creating, finding, deleting and measuring queues. */
public final class Queues {

    private final Store store;

    Queues(Store store) {
        this.store = store;
    }

    /** Creates a queue; fails with {@link QueueAlreadyExistsException} if the name is taken. */
    public QueueInfo create(String name) {
        Names.requireQueueName(name);
        return store.database().execute("create queue '" + name + "'", c -> store.queueRows().insert(c, name))
                .orElseThrow(() -> new QueueAlreadyExistsException(name));
    }

    /**
     * Creates a queue with options (a FIFO queue: {@link QueueOptions#fifoQueue()}); its settings are written in the
     * transaction that creates it. Fails with {@link QueueAlreadyExistsException} if the name is taken.
     */
    public QueueInfo create(String name, QueueOptions options) {
        Names.requireQueueName(name);
        return store.database().transaction("create queue '" + name + "'", c -> {
            Optional<QueueInfo> created = store.queueRows().insert(c, name);
            if (created.isPresent() && options.fifo()) {
                store.database().queueSettings().declareFifo(c, created.get().id());
            }
            return created;
        }).orElseThrow(() -> new QueueAlreadyExistsException(name));
    }

    /** Creates the queue unless it exists; returns it either way. */
    public QueueInfo createIfAbsent(String name) {
        Names.requireQueueName(name);
        Optional<QueueInfo> created = store.database().execute("create queue '" + name + "'",
                c -> store.queueRows().insert(c, name));
        return created.orElseGet(() -> get(name));
    }

    /** Creates the queue with options unless it exists (then its options are the ones it was created with). */
    public QueueInfo createIfAbsent(String name, QueueOptions options) {
        if (!options.fifo()) {
            return createIfAbsent(name);
        }
        try {
            return create(name, options);
        } catch (QueueAlreadyExistsException e) {
            return get(name);
        }
    }

    /** The queue of that name; fails with {@link QueueNotFoundException}. */
    public QueueInfo get(String name) {
        return find(name).orElseThrow(() -> new QueueNotFoundException(name));
    }

    public Optional<QueueInfo> find(String name) {
        Names.requireQueueName(name);
        return store.database().read("find queue '" + name + "'", c -> store.queueRows().find(c, name));
    }

    public boolean exists(String name) {
        return find(name).isPresent();
    }

    public List<QueueInfo> list() {
        return store.database().read("list queues", c -> store.queueRows().list(c));
    }

    /**
     * Deletes an empty queue. Refused with {@link QueueInUseException} while messages (archived
     * ones included), workers or workflows reference it; {@link #purge} removes messages and workers.
     */
    public void delete(String name) {
        QueueInfo q = get(name);
        store.database().transaction("delete queue '" + name + "'", c -> {
            var usage = store.queueRows().usage(c, q.id());
            if (usage.inUse()) {
                throw new QueueInUseException(name, usage.describe());
            }
            return store.queueRows().delete(c, q.id());
        });
        store.database().queueSettings().forget(q.id());
        store.queueRemoved(name);
    }

    /** Removes every message (and workflow run) of the queue and its workers; returns the messages removed. */
    public int purge(String name) {
        QueueInfo q = get(name);
        int removed = store.database().transaction("purge queue '" + name + "'", c -> store.queueRows().purge(c, q.id()));
        store.queueRemoved(name);
        return removed;
    }

    public QueueMetrics metrics(String name) {
        QueueInfo q = get(name);
        int maxReadCount = store.config().maxReadCount();
        return store.database().read("metrics of queue '" + name + "'",
                c -> store.messageRows().metrics(c, q.id(), q.name(), maxReadCount));
    }

    /** Metrics of every queue. */
    public List<QueueMetrics> metrics() {
        int maxReadCount = store.config().maxReadCount();
        return store.database().read("metrics of all queues", c -> {
            List<QueueMetrics> out = new ArrayList<>();
            for (QueueInfo q : store.queueRows().list(c)) {
                out.add(store.messageRows().metrics(c, q.id(), q.name(), maxReadCount));
            }
            return out;
        });
    }
}
