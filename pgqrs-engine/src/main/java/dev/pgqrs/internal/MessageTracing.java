package dev.pgqrs.internal;

/**
 * Traces that survive the queue hop: the W3C trace context of the span that enqueues a message is stored with
 * it (the {@code headers} column), and the span that executes a workflow run continues that trace, with a span
 * per step. Built on OpenTelemetry's API when the application has it ({@code GlobalOpenTelemetry}: its SDK, its
 * exporters, its propagators); without it, or with no span current, every call is a no-op and nothing is stored.
 *
 * <p>Only {@code OtelTracing} names an OpenTelemetry type, and it is loaded only when the API is on the class
 * or module path: the engine itself needs neither.
 */
public interface MessageTracing {

    /** The trace context of this thread's current span as a headers document (JSON object), or null for none. */
    String currentHeaders();

    /**
     * Starts the span of one execution of a run, continuing the trace stored in {@code headersJson} (nullable),
     * current on this thread until it is closed.
     */
    RunTrace startRun(String workflow, long runId, String headersJson);

    /** The span of one execution of a run. */
    interface RunTrace extends AutoCloseable {
        /** A step's attempt: a child span of the run, current on this thread until it is closed. */
        StepTrace startStep(String step, int attempt);

        /** How the execution ended (the run's status, or that it waits). */
        void outcome(String outcome);

        @Override
        void close();
    }

    /** The span of one attempt of a step. */
    interface StepTrace extends AutoCloseable {
        void failed(Throwable error);

        @Override
        void close();
    }

    StepTrace NO_STEP = new StepTrace() {
        @Override
        public void failed(Throwable error) {
        }

        @Override
        public void close() {
        }
    };

    RunTrace NO_RUN = new RunTrace() {
        @Override
        public StepTrace startStep(String step, int attempt) {
            return NO_STEP;
        }

        @Override
        public void outcome(String outcome) {
        }

        @Override
        public void close() {
        }
    };

    MessageTracing NONE = new MessageTracing() {
        @Override
        public String currentHeaders() {
            return null;
        }

        @Override
        public RunTrace startRun(String workflow, long runId, String headersJson) {
            return NO_RUN;
        }
    };

    /** OpenTelemetry's when its API is present, else {@link #NONE}. */
    static MessageTracing get() {
        return Holder.INSTANCE;
    }

    /** Decides once, at first use, whether OpenTelemetry's API can be loaded. */
    final class Holder {
        static final MessageTracing INSTANCE = load();

        private Holder() {
        }

        private static MessageTracing load() {
            try {
                Class.forName("io.opentelemetry.api.GlobalOpenTelemetry", false, MessageTracing.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError absent) {
                return NONE;
            }
            try {
                return new OtelTracing();
            } catch (LinkageError e) { // on the module path without the module: readable only when present
                return NONE;
            }
        }
    }
}
