package dev.pgqrs.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Benchmarks are not tests, but they must not rot: every scenario runs here tiny (one cell, a few
 * hundred messages, one repeat) on both backends, and its output must make sense — every message
 * delivered exactly once, ratios computed, JSON, Markdown and SVG written.
 */
class BenchmarkSmokeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path out;

    @Test
    void drainRunsEveryContenderAndAccountsForEveryMessage() throws Exception {
        int exit = BenchmarkCommand.execute("drain", "--backend", "postgres,sqlite", "--messages", "200",
                "--consumers", "2", "--batch", "10", "--repeats", "1", "--warmup-messages", "0",
                "--max-run-seconds", "30", "--no-progress", "--out", out.toString());
        assertThat(exit).isZero();

        JsonNode results = JSON.readTree(out.resolve("drain.json").toFile());
        JsonNode measurements = results.get("measurements");
        // floor, pgqrs, floor-minimal, floor-piggyback, pgqrs-piggyback, pgqrs-worker, camel-sql, camel-sql-batch,
        // db-scheduler on PostgreSQL; floor, pgqrs, floor-minimal, pgqrs-piggyback, pgqrs-worker, camel-sql,
        // camel-sql-batch on SQLite
        assertThat(measurements).hasSize(16);
        // Piggybacked acknowledgements: one commit per batch where pgqrs's dequeue-then-archive makes two.
        assertThat(commits(measurements, "pgqrs-piggyback")).as("pgqrs-piggyback commits")
                .isLessThan(commits(measurements, "pgqrs") - 10);
        assertThat(commits(measurements, "pgqrs-worker")).as("pgqrs-worker commits (batches of 10 on 2 threads)")
                .isLessThan(commits(measurements, "pgqrs") - 10);
        for (JsonNode m : measurements) {
            String who = m.get("backend").asText() + "/" + m.get("contender").asText();
            assertThat(m.get("acked").asLong()).as(who + " acked").isEqualTo(200);
            assertThat(m.get("duplicates").asLong()).as(who + " duplicates").isZero();
            assertThat(m.get("lost").asLong()).as(who + " lost").isZero();
            if (!isPeer(m)) {
                assertThat(m.get("errors").asLong()).as(who + " errors").isZero(); // a peer's errors are its own result
            }
            assertThat(m.get("msgPerSec").asDouble()).as(who + " msg/s").isPositive();
            if (m.get("backend").asText().equals("postgres")) {
                // at least one commit per batch of 10, measured by the server
                assertThat(m.get("commits").asLong()).as(who + " commits").isGreaterThanOrEqualTo(20);
            }
        }
        for (JsonNode s : results.get("summaries")) {
            if (!s.get("contender").asText().equals("floor")) {
                assertThat(s.get("ratioToFloor").asDouble()).as(s.get("contender").asText() + " ratio").isPositive();
            }
        }
        assertThat(Files.readString(out.resolve("drain.md"))).contains("× floor", "pgqrs", "camel-sql", "camel-sql-batch", "db-scheduler");
        assertValidSvg(out.resolve("drain-postgres-throughput.svg"));
        assertValidSvg(out.resolve("drain-sqlite-ratio.svg"));
    }

    /** The commits the server counted for a contender's PostgreSQL run. */
    private static long commits(JsonNode measurements, String contender) {
        for (JsonNode m : measurements) {
            if (m.get("backend").asText().equals("postgres") && m.get("contender").asText().equals(contender)) {
                return m.get("commits").asLong();
            }
        }
        throw new AssertionError("no PostgreSQL run of " + contender);
    }

    @Test
    void drainRunsEveryFeatureContenderAndAccountsForEveryMessage() throws Exception {
        String features = "pgqrs-priority,pgqrs-dedup,pgqrs-fifo-1,pgqrs-fifo-10,pgqrs-fifo-1000,pgqrs-limit,pgqrs-rate";
        int exit = BenchmarkCommand.execute("drain", "--backend", "postgres,sqlite", "--messages", "200",
                "--consumers", "2", "--batch", "10", "--repeats", "1", "--warmup-messages", "0",
                // A single ordering key drains one message at a time: a generous cap, so a loaded machine finishes.
                "--max-run-seconds", "180", "--no-progress", "--contenders", "pgqrs," + features, "--out", out.toString());
        assertThat(exit).isZero();

        JsonNode measurements = JSON.readTree(out.resolve("drain.json").toFile()).get("measurements");
        // floor, pgqrs and the seven features, on each backend
        assertThat(measurements).hasSize(18);
        for (JsonNode m : measurements) {
            String who = m.get("backend").asText() + "/" + m.get("contender").asText();
            assertThat(m.get("acked").asLong()).as(who + " acked").isEqualTo(200);
            assertThat(m.get("duplicates").asLong()).as(who + " duplicates").isZero();
            assertThat(m.get("lost").asLong()).as(who + " lost").isZero();
            assertThat(m.get("errors").asLong()).as(who + " errors").isZero();
        }
        String report = Files.readString(out.resolve("drain.md"));
        for (String feature : features.split(",")) {
            assertThat(report).contains("÷ " + feature);
        }
    }

    @Test
    void latencyMeasuresEveryWakeUpModeOnBothBackends() throws Exception {
        int exit = BenchmarkCommand.execute("latency", "--backend", "postgres,sqlite", "--rates", "200",
                "--seconds", "1", "--warmup-seconds", "0", "--repeats", "1", "--no-progress", "--out", out.toString());
        assertThat(exit).isZero();

        JsonNode results = JSON.readTree(out.resolve("latency.json").toFile());
        // PostgreSQL: in-process, NOTIFY, polling; SQLite: in-process, polling — each for floor, pgqrs and
        // pgqrs-worker; the debounced floor on NOTIFY only
        assertThat(results.get("measurements")).hasSize(16);
        for (JsonNode m : results.get("measurements")) {
            String who = m.get("backend").asText() + "/" + m.get("wakeUp").asText() + "/" + m.get("contender").asText();
            assertThat(m.get("received").asLong()).as(who + " received").isEqualTo(m.get("sent").asLong()).isPositive();
            assertThat(m.get("errors").asLong()).as(who + " errors").isZero();
            assertThat(m.at("/latency/p50").asDouble()).as(who + " p50").isPositive();
        }
        for (JsonNode s : results.get("summaries")) {
            if (s.get("contender").asText().startsWith("pgqrs")) {
                assertThat(s.get("p50RatioToFloor").asDouble()).as(s.get("contender").asText()).isPositive();
            }
        }
        assertValidSvg(out.resolve("latency-postgres-p99.svg"));
        assertThat(Files.readString(out.resolve("latency.md"))).contains("LISTEN/NOTIFY", "polling only");
    }

    @Test
    void camelDrainsThroughThePgqrsRoute() throws Exception {
        int exit = BenchmarkCommand.execute("camel", "--backend", "postgres,sqlite", "--messages", "200",
                "--consumers", "2", "--batch", "10", "--repeats", "1", "--warmup-messages", "0",
                "--max-run-seconds", "30", "--no-progress", "--out", out.toString());
        assertThat(exit).isZero();

        JsonNode results = JSON.readTree(out.resolve("camel.json").toFile());
        // floor, pgqrs, camel-pgqrs (default, piggybacked, separate acks), camel-sql, camel-sql-batch on each backend
        assertThat(results.get("measurements")).hasSize(14);
        assertThat(commits(results.get("measurements"), "camel-pgqrs-piggyback")).as("camel-pgqrs-piggyback commits")
                .isLessThan(commits(results.get("measurements"), "camel-pgqrs-separate") - 10);
        for (JsonNode m : results.get("measurements")) {
            String who = m.get("backend").asText() + "/" + m.get("contender").asText();
            assertThat(m.get("acked").asLong()).as(who + " acked").isEqualTo(200);
            assertThat(m.get("duplicates").asLong()).as(who + " duplicates").isZero();
            assertThat(m.get("lost").asLong()).as(who + " lost").isZero();
            if (!isPeer(m)) {
                assertThat(m.get("errors").asLong()).as(who + " errors").isZero();
            }
        }
        assertThat(Files.readString(out.resolve("camel.md"))).contains("camel-pgqrs throughput ÷ each baseline");
        assertValidSvg(out.resolve("camel-postgres-ratio.svg"));
    }

    @Test
    void workflowRunsEveryStepOnPgqrsAndDbos() throws Exception {
        int exit = BenchmarkCommand.execute("workflow", "--backend", "postgres,sqlite", "--runs", "40", "--steps", "3",
                "--repeats", "1", "--warmup-runs", "0", "--history-runs", "20", "--max-run-seconds", "30", "--no-progress",
                "--out", out.toString());
        assertThat(exit).isZero();

        JsonNode results = JSON.readTree(out.resolve("workflow.json").toFile());
        assertThat(results.at("/settings/historyRuns").asInt()).isEqualTo(20);
        // pgqrs, pgqrs-wide, pgqrs-linger, DBOS (queued, direct, direct bounded) and the three floors on PostgreSQL,
        // the three pgqrs and the two floors of their own tables on SQLite (DBOS and floor-schema run on PostgreSQL only)
        assertThat(results.get("measurements")).hasSize(14);
        for (JsonNode m : results.get("measurements")) {
            String who = m.get("backend").asText() + "/" + m.get("contender").asText();
            assertThat(m.get("completed").asLong()).as(who + " completed").isEqualTo(40);
            // the 20 history runs' 60 step bodies ran before the clock started: they are not the measured run's
            assertThat(m.get("stepBodies").asLong()).as(who + " step bodies").isBetween(120L, 179L);
            assertThat(m.get("errors").asLong()).as(who + " errors").isZero();
            // every run is triggered before it completes: the last trigger returns within the timed window
            assertThat(m.get("triggersDoneSeconds").asDouble()).as(who + " triggers done")
                    .isPositive().isLessThanOrEqualTo(m.get("seconds").asDouble());
            if (m.get("backend").asText().equals("postgres")) {
                assertThat(m.get("commits").asLong()).as(who + " commits").isGreaterThanOrEqualTo(40);
            }
        }
        JsonNode pgqrs = results.get("summaries").get(0);
        assertThat(pgqrs.get("contender").asText()).isEqualTo("pgqrs");
        assertThat(pgqrs.get("runsPerSecRatioToDbos").asDouble()).isPositive();
        assertThat(pgqrs.get("runsPerSecRatioToDbosDirect").asDouble()).isPositive();
        assertThat(pgqrs.get("runsPerSecRatioToDbosDirectBounded").asDouble()).isPositive();
        assertThat(pgqrs.get("runsPerSecRatioToFloorDirect").asDouble()).isPositive();
        assertThat(pgqrs.get("runsPerSecRatioToFloorQueued").asDouble()).isPositive();
        assertThat(pgqrs.get("runsPerSecRatioToFloorSchema").asDouble()).isPositive();
        for (JsonNode m : results.get("measurements")) {
            // the floors' runs make the commits they promise: N + 1 started directly, N + 2 claimed from the table (a
            // claim that finds nothing writes nothing, but the server counts its commit); the server reports the
            // setup of the floor's connections, opened just before the first reading, after it: up to 20 commits of
            // slack, half a commit per run here, a fiftieth in a measurement of 1,000 runs
            if (m.get("backend").asText().equals("postgres") && m.get("contender").asText().startsWith("floor-")) {
                double perRun = m.get("commits").asDouble() / 40;
                if (m.get("contender").asText().equals("floor-direct")) {
                    assertThat(perRun).as("floor-direct commits per run").isBetween(4.0, 4.5);
                } else {
                    assertThat(perRun).as(m.get("contender").asText() + " commits per run").isGreaterThanOrEqualTo(4.7);
                }
            }
        }
        assertValidSvg(out.resolve("workflow-postgres-steps.svg"));
    }

    @Test
    void steadyStateAndKneeRunProducersAndConsumersAtOnce() throws Exception {
        int exit = BenchmarkCommand.execute("knee", "--backend", "postgres,sqlite", "--consumers", "1,2",
                "--enqueue-batch", "10", "--dequeue-batch", "10", "--seconds", "2", "--warmup-seconds", "0",
                "--repeats", "1", "--no-progress", "--out", out.toString());
        assertThat(exit).isZero();

        JsonNode results = JSON.readTree(out.resolve("knee.json").toFile());
        assertThat(results.get("measurements")).hasSize(4); // two cells on each backend
        for (JsonNode m : results.get("measurements")) {
            String who = m.get("backend").asText() + "/c=" + m.get("consumers").asInt();
            assertThat(m.get("produced").asLong()).as(who + " produced").isPositive();
            assertThat(m.get("consumed").asLong()).as(who + " consumed").isPositive()
                    .isLessThanOrEqualTo(m.get("produced").asLong());
            // what was produced was consumed or is still in the queue
            assertThat(m.get("consumed").asLong() + m.get("finalDepth").asLong()).as(who + " accounted for")
                    .isEqualTo(m.get("produced").asLong());
            assertThat(m.get("errors").asLong()).as(who + " errors").isZero();
            assertThat(m.get("duplicates").asLong()).as(who + " duplicates").isZero();
            assertThat(m.at("/endToEnd/p95").asDouble()).as(who + " end-to-end p95").isPositive();
        }
        assertValidSvg(out.resolve("knee-postgres-knee.svg"));
        assertThat(Files.readString(out.resolve("knee.md"))).contains("consumed/s", "final depth");

        assertThat(BenchmarkCommand.execute("steady", "--backend", "sqlite", "--seconds", "1", "--warmup-seconds", "0",
                "--repeats", "1", "--no-progress", "--out", out.toString())).isZero();
        assertThat(JSON.readTree(out.resolve("steady.json").toFile()).get("measurements")).hasSize(1);
    }

    @Test
    void scaleMeasuresMetricsAndTheDrainAgainstAFreshQueue() throws Exception {
        int exit = BenchmarkCommand.execute("scale", "--backend", "postgres,sqlite", "--history", "0,3000",
                "--backlog", "0,3000", "--messages", "300", "--consumers", "2", "--batch", "10", "--metrics-calls", "3",
                "--repeats", "1", "--no-progress", "--out", out.toString());
        assertThat(exit).isZero();

        JsonNode results = JSON.readTree(out.resolve("scale.json").toFile());
        // fresh, history only, backlog only, both — on each backend
        assertThat(results.get("measurements")).hasSize(8);
        for (JsonNode m : results.get("measurements")) {
            String who = m.get("backend").asText() + "/h=" + m.get("history").asLong() + "/b=" + m.get("backlog").asLong();
            assertThat(m.get("drained").asLong()).as(who + " drained").isEqualTo(300);
            assertThat(m.get("errors").asLong()).as(who + " errors").isZero();
            assertThat(m.at("/metrics/p50").asDouble()).as(who + " metrics p50").isPositive();
        }
        for (JsonNode s : results.get("summaries")) {
            assertThat(s.get("drainRatioToFresh").asDouble()).as(s.at("/cell").toString()).isPositive();
        }
        assertThat(Files.readString(out.resolve("scale.md"))).contains("metrics() p50 / max ms", "× fresh queue");
    }

    static void assertValidSvg(Path file) throws Exception {
        assertThat(file).exists();
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
        assertThat(doc.getDocumentElement().getTagName()).isEqualTo("svg");
        assertThat(doc.getElementsByTagName("rect").getLength()).isGreaterThan(2);
    }

    /** camel-sql and db-scheduler: their errors (e.g. SQLite's "database is locked") are counted, not a defect here. */
    private static boolean isPeer(JsonNode m) {
        String c = m.get("contender").asText();
        return c.startsWith("camel-sql") || c.equals("db-scheduler");
    }
}
