package dev.pgqrs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgqrs.Consumer;
import dev.pgqrs.Message;
import dev.pgqrs.MissedFirings;
import dev.pgqrs.OverlapPolicy;
import dev.pgqrs.ScheduleFiring;
import dev.pgqrs.ScheduleInfo;
import dev.pgqrs.ScheduleSpec;
import dev.pgqrs.Store;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code pgqrs schedule …} on every backend. The stores run no maintenance, so nothing fires but what a test fires:
 * the CLI's trigger, or the test's own {@code fireDue()} pass after setting a cursor back.
 */
class ScheduleCommandsConformanceTest {

    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

    /** A queue schedule and a workflow schedule with policies other than the defaults. */
    private static Store withSchedules(TestBackend backend) {
        Store store = backend.open(c -> c.maintenance(false));
        store.queues().create("reports");
        store.workflows().register("close-books");
        store.schedules().create(ScheduleSpec.enqueue("nightly", "reports", "0 2 * * *").timeZone(PARIS)
                .payload(Map.of("report", "daily")).build());
        store.schedules().create(ScheduleSpec.workflow("close-eu", "close-books", "30 18 * * 1-5")
                .payload(Map.of("ledger", "eu")).missedFirings(MissedFirings.FIRE_ALL).maxCatchUp(24)
                .overlap(OverlapPolicy.SKIP).build());
        return store;
    }

    @ConformanceTest
    void schedulesAreListedWithTheirDefinitionNextAndLastFiring(TestBackend backend) {
        Cli cli = Cli.on(backend);
        cli.json("admin", "install");
        assertThat(cli.json("schedule", "list")).as("no schedules yet").isEmpty();
        Store store = withSchedules(backend);
        ScheduleInfo nightly = store.schedules().get("nightly");

        JsonNode list = cli.json("schedule", "list");
        assertThat(list.findValuesAsText("name")).containsExactly("close-eu", "nightly");
        JsonNode n = list.get(1);
        assertThat(n.get("cron").asText()).isEqualTo("0 2 * * *");
        assertThat(n.get("time_zone").asText()).isEqualTo("Europe/Paris");
        assertThat(n.get("target").asText()).isEqualTo("QUEUE");
        assertThat(n.get("target_name").asText()).isEqualTo("reports");
        assertThat(n.get("payload").get("report").asText()).isEqualTo("daily");
        assertThat(n.get("paused").asBoolean()).isFalse();
        assertThat(n.get("paused_at").isNull()).isTrue();
        assertThat(n.get("next_fire_at").asText()).isEqualTo(nightly.nextFireAt().toString()).endsWith("Z");
        assertThat(n.get("last_fired_at").isNull()).isTrue();
        assertThat(n.get("last_outcome").isNull()).isTrue();
        assertThat(n.get("missed_firings").asText()).isEqualTo("FIRE_ONCE");
        assertThat(n.get("max_catch_up").asInt()).isEqualTo(10);
        assertThat(n.get("overlap").asText()).isEqualTo("ALLOW");
        assertThat(n.get("created_at").asText()).endsWith("Z");
        JsonNode eu = list.get(0);
        assertThat(eu.get("target").asText()).isEqualTo("WORKFLOW");
        assertThat(eu.get("target_name").asText()).isEqualTo("close-books");
        assertThat(eu.get("missed_firings").asText()).isEqualTo("FIRE_ALL");
        assertThat(eu.get("max_catch_up").asInt()).isEqualTo(24);
        assertThat(eu.get("overlap").asText()).isEqualTo("SKIP");

        JsonNode got = cli.json("schedule", "get", "nightly", "--next", "3");
        assertThat(got.get("next_fire_at").asText()).isEqualTo(nightly.nextFireAt().toString());
        List<Instant> next = new ArrayList<>();
        got.get("next_firings").forEach(t -> next.add(Instant.parse(t.asText())));
        assertThat(next).hasSize(3).startsWith(nightly.nextFireAt()).isSorted()
                .allSatisfy(t -> assertThat(ZonedDateTime.ofInstant(t, PARIS).getHour()).isEqualTo(2));
        assertThat(got.get("firings")).isEmpty();

        Cli.Result table = cli.run("schedule", "list");
        assertThat(table.status()).isZero();
        assertThat(table.out().lines().findFirst().orElseThrow()).startsWith("NAME").contains("CRON").contains("TIME_ZONE")
                .contains("TARGET").contains("PAUSED").contains("NEXT_FIRE_AT").contains("LAST_FIRED_AT")
                .contains("MISSED_FIRINGS").contains("OVERLAP");
        assertThat(table.out()).contains("nightly").contains("Europe/Paris").contains("close-books");
        assertThat(cli.run("schedule", "get", "nightly").out()).contains("next_firings").contains("Europe/Paris");
    }

    @ConformanceTest
    void aPausedScheduleFiresNothingUntilResumedAndTriggerFiresItNow(TestBackend backend) {
        Store store = withSchedules(backend);
        store.schedules().create(ScheduleSpec.enqueue("tick", "reports", "* * * * *")
                .missedFirings(MissedFirings.FIRE_ALL).build());
        Cli cli = Cli.on(backend);

        Instant beforePause = Instant.now();
        JsonNode paused = cli.json("schedule", "pause", "tick");
        assertThat(paused.get("name").asText()).isEqualTo("tick");
        assertThat(paused.get("paused").asBoolean()).isTrue();
        Instant pausedAt = Instant.parse(paused.get("paused_at").asText());
        assertThat(store.schedules().get("tick").paused()).isTrue();
        Instant next = Instant.parse(paused.get("next_fire_at").asText());
        assertThat(next).as("where a resume would start: the first slot after now")
                .satisfies(t -> assertFirstMinuteAfter(t, beforePause));
        assertThat(Instant.parse(cli.json("schedule", "pause", "tick").get("paused_at").asText()))
                .as("pausing a paused schedule changes nothing").isEqualTo(pausedAt);
        backdate(backend, "tick", Duration.ofMinutes(5));
        assertThat(store.schedules().fireDue()).as("a paused schedule does not fire").isZero();
        assertThat(store.queues().metrics("reports").total()).isZero();

        JsonNode fired = cli.json("schedule", "trigger", "tick");
        assertThat(fired.get("schedule").asText()).isEqualTo("tick");
        assertThat(fired.get("outcome").asText()).isEqualTo("MANUAL");
        assertThat(fired.get("run_id").isNull()).isTrue();
        long messageId = fired.get("message_id").asLong();
        try (Consumer consumer = store.consumer("reports")) {
            Message message = consumer.dequeue(1).get(0);
            assertThat(message.id()).isEqualTo(messageId);
            assertThat(message.payload().isEmpty()).as("the schedule's payload, {}").isTrue();
            consumer.archive(message);
        }
        assertThat(store.schedules().get("tick").paused()).as("trigger leaves the pause as it is").isTrue();
        JsonNode shown = cli.json("schedule", "get", "tick");
        assertThat(shown.get("last_outcome").asText()).isEqualTo("MANUAL");
        assertThat(shown.get("last_fired_at").asText()).isEqualTo(fired.get("fired_at").asText());
        assertThat(shown.get("firings")).hasSize(1);
        assertThat(shown.get("firings").get(0).get("message_id").asLong()).isEqualTo(messageId);

        Instant beforeResume = Instant.now();
        JsonNode resumed = cli.json("schedule", "resume", "tick");
        assertThat(resumed.get("paused").asBoolean()).isFalse();
        assertThat(resumed.get("paused_at").isNull()).isTrue();
        Instant resumedAt = Instant.parse(resumed.get("next_fire_at").asText());
        assertFirstMinuteAfter(resumedAt, beforeResume);
        assertThat(store.schedules().get("tick").paused()).isFalse();
        store.schedules().fireDue();
        assertThat(store.schedules().firings("tick", 100)).as("the paused minutes are not caught up")
                .filteredOn(f -> f.outcome() != ScheduleFiring.Outcome.MANUAL)
                .allSatisfy(f -> assertThat(f.scheduledAt()).isAfterOrEqualTo(resumedAt));
        assertThat(cli.json("schedule", "resume", "tick").get("paused").asBoolean()).as("resuming an active one").isFalse();

        JsonNode run = cli.json("schedule", "trigger", "close-eu");
        assertThat(run.get("outcome").asText()).isEqualTo("MANUAL");
        long runId = run.get("run_id").asLong();
        assertThat(store.workflows().get(runId).workflow()).isEqualTo("close-books");
        assertThat(store.workflows().get(runId).input().get("ledger").asText()).isEqualTo("eu");
    }

    @ConformanceTest
    void aDeletedScheduleIsGoneAndTheMessagesItSentStay(TestBackend backend) {
        Store store = withSchedules(backend);
        Cli cli = Cli.on(backend);
        cli.json("schedule", "trigger", "nightly");

        assertThat(cli.json("schedule", "delete", "nightly").get("deleted").asText()).isEqualTo("nightly");
        assertThat(store.schedules().find("nightly")).isEmpty();
        assertThat(store.queues().metrics("reports").total()).isEqualTo(1);
        assertThat(cli.json("schedule", "list").findValuesAsText("name")).containsExactly("close-eu");

        Cli.Result again = cli.run("schedule", "delete", "nightly");
        assertThat(again.status()).isEqualTo(1);
        assertThat(again.err()).startsWith("pgqrs: ").contains("schedule not found: 'nightly'").hasLineCount(1);
        assertThat(again.out()).isEmpty();
    }

    @ConformanceTest
    void anUnknownScheduleOrABadOptionIsRefusedAndChangesNothing(TestBackend backend) {
        Store store = withSchedules(backend);
        Cli cli = Cli.on(backend);
        JsonNode before = cli.json("schedule", "list");

        for (String command : List.of("get", "pause", "resume", "delete", "trigger")) {
            Cli.Result missing = cli.run("schedule", command, "weekly");
            assertThat(missing.status()).as(command).isEqualTo(1);
            assertThat(missing.err()).as(command).startsWith("pgqrs: ").contains("schedule not found: 'weekly'")
                    .hasLineCount(1);
            assertThat(missing.out()).as(command).isEmpty();
        }
        Cli.Result noName = cli.run("schedule", "pause");
        assertThat(noName.status()).isEqualTo(2);
        assertThat(noName.err()).contains("NAME").hasLineCount(1);
        Cli.Result badNext = cli.run("schedule", "get", "nightly", "--next", "0");
        assertThat(badNext.status()).isEqualTo(2);
        assertThat(badNext.err()).contains("--next must be at least 1, was 0").contains("pgqrs schedule get --help")
                .hasLineCount(1);
        assertThat(cli.run("schedule", "get", "nightly", "--firings", "x").status()).isEqualTo(2);
        assertThat(cli.run("schedule", "sleep", "nightly").status()).isEqualTo(2);

        assertThat(cli.json("schedule", "list")).isEqualTo(before);
        assertThat(store.queues().metrics("reports").total()).isZero();
    }

    /**
     * {@code slot} is the first whole minute after the database's time when a command ran, which began at
     * {@code before} (the test databases run on this machine, with its clock).
     */
    private static void assertFirstMinuteAfter(Instant slot, Instant before) {
        assertThat(slot.getEpochSecond() % 60).isZero();
        assertThat(slot).isAfter(before.minusMillis(1)).isBefore(Instant.now().plusSeconds(61));
    }

    /** Sets a schedule's cursor back, as if every process had been down since then. */
    private static void backdate(TestBackend backend, String schedule, Duration by) {
        assertThat(backend.execute("UPDATE pgqrs_schedules SET next_fire_at = " + backend.ago(by)
                + " WHERE name = '" + schedule + "'")).isEqualTo(1);
    }
}
