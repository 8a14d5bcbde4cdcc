package dev.pgqrs.fault;

import dev.pgqrs.Store;
import dev.pgqrs.workflow.WorkflowWorker;
import dev.pgqrs.workflow.WorkflowWorkerOptions;

import java.time.Duration;

/**
 * The process {@link WorkflowCrashTest} kills with {@code kill -9}: a workflow worker executing runs of
 * {@link FaultFlow} (two at a time, a lease of one second), stopping dead at the flow's hang points
 * when told to ({@link ChildControl}).
 */
public final class WorkflowCrashChild {

    private WorkflowCrashChild() {
    }

    public static void main(String[] args) throws Exception {
        ChildControl control = ChildControl.start();
        Store store = ChildControl.openStore(b -> b
                .heartbeatInterval(Duration.ofSeconds(1))
                .staleWorkerTimeout(Duration.ofSeconds(4))
                .reaperInterval(Duration.ofSeconds(1))
                .maxReadCount(1_000)); // kills must never turn a run's message into a dead letter
        WorkflowWorker worker = store.workflows().startWorker(FaultFlow.define(store, control.process(), control::hangAt),
                WorkflowWorkerOptions.defaults()
                        .concurrency(2)
                        .leaseDuration(Duration.ofSeconds(1))
                        .pollInterval(Duration.ofMillis(50))
                        .shutdownTimeout(Duration.ofSeconds(10)));
        ChildControl.say("READY");
        control.awaitStop();
        worker.close();
        store.close();
        ChildControl.say("STOPPED");
        System.exit(0);
    }
}
