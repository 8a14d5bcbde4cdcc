package dev.pgqrs.fault;

import dev.pgqrs.Delivery;
import dev.pgqrs.MessageHandler;
import dev.pgqrs.QueueWorker;
import dev.pgqrs.QueueWorkerOptions;
import dev.pgqrs.RetryPolicy;
import dev.pgqrs.Store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The process {@link PiggybackCrashTest} kills with {@code kill -9}: two queue workers with piggybacked
 * acknowledgements (each batch is archived by the statement that fetches the next), batches of {@link #BATCH}.
 *
 * <ul>
 *   <li>{@value #TX_QUEUE}, exactly-once: the handler writes its side effect and acknowledges in one
 *       transaction ({@code Delivery.ackWith}), which no fetch carries;</li>
 *   <li>{@value #ALO_QUEUE}, at-least-once: the handler commits its side effect and returns; the worker's next
 *       fetch archives the batch.</li>
 * </ul>
 *
 * <p>Hang points ({@link ChildControl}), each at the last message of a batch, its side effect committed:
 * {@code alo-batch-handled} (every effect of the batch committed, none of its acknowledgements sent: they wait
 * for the next fetch) and {@code tx-batch-handled} (every message of the batch acknowledged with its effect); and
 * {@code alo-mid-batch} (after the batch's second message). Stopping there, the child prints the batch's ids.
 */
public final class PiggybackCrashChild {

    public static final String TX_QUEUE = "piggyback-tx";
    public static final String ALO_QUEUE = "piggyback-alo";
    public static final int BATCH = 5;
    public static final Duration VISIBILITY = Duration.ofSeconds(2);
    static final List<String> POINTS = List.of("alo-batch-handled", "tx-batch-handled", "alo-mid-batch");

    private PiggybackCrashChild() {
    }

    public static void main(String[] args) throws Exception {
        ChildControl control = ChildControl.start();
        Store store = ChildControl.openStore(b -> b
                .heartbeatInterval(Duration.ofSeconds(1))
                .staleWorkerTimeout(Duration.ofSeconds(4))
                .reaperInterval(Duration.ofSeconds(1))
                .pollInterval(Duration.ofMillis(100))
                .maxReadCount(1_000)); // kills must never turn a message into a dead letter
        QueueWorkerOptions options = QueueWorkerOptions.defaults().batchSize(BATCH).visibilityTimeout(VISIBILITY)
                .piggybackAcks(true).maxIdleWait(Duration.ofMillis(500))
                .retryPolicy(RetryPolicy.fixed(1_000, Duration.ofMillis(100)));
        List<QueueWorker> workers = List.of(
                store.worker(TX_QUEUE, new Handler(store, TX_QUEUE, true, control), options),
                store.worker(ALO_QUEUE, new Handler(store, ALO_QUEUE, false, control), options));
        ChildControl.say("READY");
        control.awaitStop();
        for (QueueWorker w : workers) {
            w.close(); // sends the acknowledgements that wait for a fetch
        }
        store.close();
        ChildControl.say("STOPPED");
        System.exit(0);
    }

    /** One worker's handler; it runs on the worker's one thread, so the batch's ids need no lock. */
    private static final class Handler implements MessageHandler {
        private final Store store;
        private final String queue;
        private final boolean exactlyOnce;
        private final ChildControl control;
        private final List<Long> batch = new ArrayList<>();

        Handler(Store store, String queue, boolean exactlyOnce, ChildControl control) {
            this.store = store;
            this.queue = queue;
            this.exactlyOnce = exactlyOnce;
            this.control = control;
        }

        @Override
        public void handle(Delivery d) throws Exception {
            if (d.batchIndex() == 0) {
                batch.clear();
            }
            long id = d.message().id();
            batch.add(id);
            Thread.sleep(2); // the work a message asks for
            if (exactlyOnce) {
                d.ackWith(c -> {
                    Effects.message(c, queue, id, control.process());
                    return null;
                });
            } else {
                store.inTransaction(c -> {
                    Effects.message(c, queue, id, control.process());
                    return null;
                });
            }
            String prefix = exactlyOnce ? "tx-" : "alo-";
            if (d.batchIndex() == 1) {
                control.hangAt(prefix + "mid-batch", this::ids);
            }
            if (d.batchIndex() == d.batchSize() - 1) {
                control.hangAt(prefix + "batch-handled", this::ids);
            }
        }

        private String ids() {
            return batch.stream().map(String::valueOf).collect(Collectors.joining(","));
        }
    }
}
