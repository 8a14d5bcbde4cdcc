package dev.pgqrs.workflow;

import dev.pgqrs.Store;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static dev.pgqrs.workflow.WorkflowTesting.AWAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real crash: a child JVM executing a run is killed with {@code kill -9} between two steps, inside a
 * transactional step after its write, and inside a plain step; a fourth child finishes the run. Each
 * step's effect must be there exactly once, and completed steps must not have run again.
 */
class WorkflowCrashConformanceTest {

    @ConformanceTest
    void killedWorkersLeaveEveryCompletedStepExecutedExactlyOnce(TestBackend backend) throws Exception {
        WorkflowTesting.sql(backend, CrashChild.EFFECTS_TABLE);
        Store store = backend.open();
        Workflows workflows = store.workflows();
        workflows.register(CrashChild.workflow("none", null));
        RunHandle<String> run = workflows.handle(workflows.trigger("crashy", "go").id(), String.class);

        killAt(backend, "between-a-b");
        assertThat(effects(backend, "a", "effect")).isEqualTo(1);

        killAt(backend, "inside-b");
        // b's write was made in its checkpoint transaction, which the kill rolled back.
        assertThat(effects(backend, "b", "effect")).isZero();

        killAt(backend, "inside-c");
        assertThat(effects(backend, "c", "started")).isEqualTo(1);

        Process finisher = child(backend, "none");
        try {
            assertThat(run.await(AWAIT)).isEqualTo("ABC");
        } finally {
            finisher.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }

        assertThat(effects(backend, "a", "effect")).as("a ran once, never replayed").isEqualTo(1);
        assertThat(effects(backend, "b", "effect")).as("b's write committed once").isEqualTo(1);
        assertThat(effects(backend, "c", "effect")).as("c completed once").isEqualTo(1);
        assertThat(effects(backend, "c", "started")).as("c was killed once, so it started twice").isEqualTo(2);
        RunDetails details = workflows.details(run.id());
        assertThat(details.steps()).extracting(StepInfo::name).containsExactly("a", Workflow.RUN_RECOVERIES_STEP, "b", "c");
        assertThat(details.steps()).filteredOn(s -> !s.name().equals(Workflow.RUN_RECOVERIES_STEP))
                .allSatisfy(s -> assertThat(s.status()).isEqualTo(RunStatus.SUCCESS));
        assertThat(details.step(Workflow.RUN_RECOVERIES_STEP).orElseThrow().retryCount())
                .as("three deliveries took over a killed worker's lease").isEqualTo(3);
        // Four deliveries: three ended in a kill, the last in the run's completion.
        assertThat(WorkflowTesting.queryLong(backend, "SELECT read_ct FROM pgqrs_messages")).isEqualTo(4);
        assertThat(store.queues().metrics("crashy").archived()).isEqualTo(1);
    }

    private static long effects(TestBackend backend, String step, String kind) throws Exception {
        return WorkflowTesting.queryLong(backend,
                "SELECT count(*) FROM crash_effects WHERE step = '" + step + "' AND kind = '" + kind + "'");
    }

    /** Starts a child that hangs at {@code point}, waits until it is there, and kills it with SIGKILL. */
    private static void killAt(TestBackend backend, String point) throws Exception {
        Process child = child(backend, point);
        try {
            awaitLine(child, "AT " + point);
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hooks, no finally blocks, no clean-up
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static final ThreadLocal<List<String>> OUTPUT = ThreadLocal.withInitial(CopyOnWriteArrayList::new);

    private static Process child(TestBackend backend, String hangAt) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String schema = backend.schema() == null ? "-" : backend.schema();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), CrashChild.class.getName(), backend.dsn(), schema, hangAt);
        pb.redirectErrorStream(true);
        Process process = pb.start();
        List<String> lines = new CopyOnWriteArrayList<>();
        OUTPUT.set(lines);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process was killed
            }
        }, "crash-child-output");
        reader.setDaemon(true);
        reader.start();
        return process;
    }

    private static void awaitLine(Process child, String expected) {
        List<String> lines = OUTPUT.get();
        await().atMost(AWAIT).pollInterval(Duration.ofMillis(10))
                .failFast(() -> assertThat(child.isAlive() || lines.contains(expected))
                        .as("the child is alive; its output:%n%s", String.join("\n", lines)).isTrue())
                .untilAsserted(() -> assertThat(lines).as("the child's output").contains(expected));
    }
}
