package dev.pgqrs;

import java.util.List;
import java.util.Optional;

/** Reading worker rows: who is registered, in which status, and whether their heartbeat is fresh. */
public final class Workers {

    private final Store store;

    Workers(Store store) {
        this.store = store;
    }

    public List<WorkerInfo> list() {
        return store.database().read("list workers", c -> store.workerRows().list(c, null));
    }

    public List<WorkerInfo> list(String queue) {
        QueueInfo q = store.queues().get(queue);
        return store.database().read("list workers of '" + queue + "'", c -> store.workerRows().list(c, q.id()));
    }

    public Optional<WorkerInfo> get(long id) {
        return store.database().read("read worker " + id, c -> store.workerRows().find(c, id));
    }
}
