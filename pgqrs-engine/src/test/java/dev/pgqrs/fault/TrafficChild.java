package dev.pgqrs.fault;

import dev.pgqrs.Store;
import dev.pgqrs.workflow.WorkflowWorker;
import dev.pgqrs.workflow.WorkflowWorkerOptions;

import java.time.Duration;

/**
 * A second process of steady traffic on one database, for the outage tests ({@link DatabaseRestartTest}):
 * a producer, an exactly-once consumer ({@link ConsumerLoop}), a workflow worker and a trigger loop, on a
 * store of its own (so a reaper of its own). It rides out whatever happens to the database by itself.
 *
 * <p>Arguments: heartbeat interval, stale worker timeout, reaper interval (ISO-8601 durations, or
 * {@code default} for the store's defaults). It prints {@code WORKERS producer=… consumer=… workflow=…}
 * (its worker ids) when ready and before it exits; {@code PRODUCE-STOP} stops its producer and triggers
 * and prints {@code PRODUCED <confirmed sequence numbers> RUNS <run ids, comma-separated>}.
 */
public final class TrafficChild {

    public static final String QUEUE = "fault-traffic";

    private TrafficChild() {
    }

    public static void main(String[] args) throws Exception {
        ChildControl control = ChildControl.start();
        Store store = ChildControl.openStore(b -> {
            if (!args[0].equals("default")) {
                b.heartbeatInterval(Duration.parse(args[0])).staleWorkerTimeout(Duration.parse(args[1]))
                        .reaperInterval(Duration.parse(args[2]));
            }
            return b.maxReadCount(1_000);
        });
        String process = control.process();
        ProducerLoop producer = new ProducerLoop(store, QUEUE, process, 5, Duration.ofMillis(50), ChildControl::seen);
        ConsumerLoop consumer = new ConsumerLoop(store, QUEUE, process, 10, Duration.ofSeconds(5), ChildControl::seen);
        WorkflowWorker worker = store.workflows().startWorker(FaultFlow.define(store, process, FaultFlow.Hang.NEVER),
                workerOptions());
        TriggerLoop triggers = new TriggerLoop(store, Duration.ofMillis(100), ChildControl::seen);
        control.on("PRODUCE-STOP", () -> {
            producer.stop();
            triggers.stop();
            ChildControl.say("PRODUCED " + producer.confirmed() + " RUNS " + join(triggers.runIds()));
        });
        producer.start();
        consumer.start();
        triggers.start();
        ChildControl.say(workers(producer, consumer, worker));
        ChildControl.say("READY");
        control.awaitStop();
        producer.stop();
        triggers.stop();
        ChildControl.say(workers(producer, consumer, worker));
        consumer.close();
        producer.close();
        worker.close();
        store.close();
        ChildControl.say("STOPPED");
        System.exit(0);
    }

    /** Worker options of the outage tests: two runs at a time, a lease the outages outlast. */
    public static WorkflowWorkerOptions workerOptions() {
        return WorkflowWorkerOptions.defaults()
                .concurrency(2)
                .leaseDuration(Duration.ofSeconds(3))
                .pollInterval(Duration.ofMillis(100))
                .shutdownTimeout(Duration.ofSeconds(10));
    }

    static String workers(ProducerLoop producer, ConsumerLoop consumer, WorkflowWorker worker) {
        return "WORKERS producer=" + producer.producer().workerId() + " consumer=" + consumer.consumer().workerId()
                + " workflow=" + worker.workerId();
    }

    private static String join(java.util.List<Long> ids) {
        StringBuilder b = new StringBuilder();
        for (Long id : ids) {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(id);
        }
        return b.length() == 0 ? "-" : b.toString();
    }
}
