package dev.pgqrs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;
import dev.pgqrs.workflow.RunStatus;
import dev.pgqrs.workflow.Workflow;
import dev.pgqrs.workflow.WorkflowNotFoundException;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Cron schedules on a store: the API, firing by the maintenance service on the database clock, one firing per
 * slot across several stores, the missed-slot policies (cursor set back instead of waiting) and the overlap rule.
 */
class ScheduleConformanceTest {

    private static final String EVERY_SECOND = "*/1 * * * * ?";

    @ConformanceTest
    void createIsIdempotentByNameAndUpdatesTheDefinition(TestBackend backend) {
        Store store = backend.open(b -> b.maintenance(false));
        store.queues().create("reports");
        Schedules schedules = store.schedules();

        ScheduleInfo created = schedules.create(ScheduleSpec.enqueue("nightly", "reports", "0 2 * * *")
                .timeZone("Europe/Paris").payload(Map.of("report", "daily")).build());
        assertThat(created.name()).isEqualTo("nightly");
        assertThat(created.timeZone()).isEqualTo(ZoneId.of("Europe/Paris"));
        assertThat(created.target()).isEqualTo(ScheduleSpec.Target.QUEUE);
        assertThat(created.payloadJson()).isEqualTo("{\"report\":\"daily\"}");
        assertThat(created.missedFirings()).isEqualTo(MissedFirings.FIRE_ONCE);
        assertThat(created.overlap()).isEqualTo(OverlapPolicy.ALLOW);
        assertThat(created.paused()).isFalse();
        assertThat(ZonedDateTime.ofInstant(created.nextFireAt(), ZoneId.of("Europe/Paris")).getHour()).isEqualTo(2);

        ScheduleInfo again = schedules.create(ScheduleSpec.enqueue("nightly", "reports", "0 2 * * *")
                .timeZone("Europe/Paris").payload(Map.of("report", "daily")).build());
        assertThat(again).as("the same spec changes nothing").isEqualTo(created);

        ScheduleInfo newPayload = schedules.create(ScheduleSpec.enqueue("nightly", "reports", "0 2 * * *")
                .timeZone("Europe/Paris").payload(Map.of("report", "weekly")).overlap(OverlapPolicy.SKIP).build());
        assertThat(newPayload.payloadJson()).isEqualTo("{\"report\":\"weekly\"}");
        assertThat(newPayload.overlap()).isEqualTo(OverlapPolicy.SKIP);
        assertThat(newPayload.nextFireAt()).as("same times: the next slot is kept").isEqualTo(created.nextFireAt());

        ScheduleInfo newCron = schedules.create(ScheduleSpec.enqueue("nightly", "reports", "0 3 * * *")
                .timeZone("UTC").payload(Map.of("report", "weekly")).build());
        assertThat(newCron.cron()).isEqualTo("0 3 * * *");
        assertThat(ZonedDateTime.ofInstant(newCron.nextFireAt(), ZoneOffset.UTC).getHour()).isEqualTo(3);
        assertThat(schedules.nextFirings("nightly", 3)).hasSize(3).startsWith(newCron.nextFireAt())
                .allSatisfy(t -> assertThat(ZonedDateTime.ofInstant(t, ZoneOffset.UTC).getHour()).isEqualTo(3));

        schedules.create(ScheduleSpec.enqueue("hourly", "reports", "0 * * * *").build());
        assertThat(schedules.list()).extracting(ScheduleInfo::name).containsExactly("hourly", "nightly");
        assertThat(schedules.delete("hourly")).isTrue();
        assertThat(schedules.delete("hourly")).isFalse();
        assertThat(schedules.find("hourly")).isEmpty();
        assertThat(schedules.get("nightly").cron()).isEqualTo("0 3 * * *");
    }

    @ConformanceTest
    void badSchedulesAreRefusedNamingWhatWasWrong(TestBackend backend) {
        Store store = backend.open(b -> b.maintenance(false));
        store.queues().create("reports");
        Schedules schedules = store.schedules();

        assertThatThrownBy(() -> schedules.create(ScheduleSpec.enqueue("s", "nowhere", "0 2 * * *").build()))
                .isInstanceOf(QueueNotFoundException.class).hasMessageContaining("'nowhere'");
        assertThatThrownBy(() -> schedules.create(ScheduleSpec.workflow("s", "no-such-flow", "0 2 * * *").build()))
                .isInstanceOf(WorkflowNotFoundException.class).hasMessageContaining("no-such-flow");
        assertThatThrownBy(() -> schedules.create(ScheduleSpec.enqueue("s", "reports", "0 2 * *").build()))
                .isInstanceOf(InvalidScheduleException.class).hasMessageContaining("'0 2 * *'");
        assertThatThrownBy(() -> schedules.create(ScheduleSpec.enqueue("s", "reports", "0 0 12 * * ? 2020").build()))
                .isInstanceOf(InvalidScheduleException.class).hasMessageContaining("never fire");
        assertThatThrownBy(() -> ScheduleSpec.enqueue("s", "reports", "0 2 * * *").maxCatchUp(0).build())
                .isInstanceOf(InvalidScheduleException.class).hasMessageContaining("maxCatchUp=0");
        assertThatThrownBy(() -> schedules.create(ScheduleSpec.enqueue("s", "reports", "0 2 * * *")
                .payload(Map.of("__proto__", 1)).build()))
                .isInstanceOf(InvalidPayloadException.class).hasMessageContaining("schedule 's'");
        assertThatThrownBy(() -> schedules.pause("missing"))
                .isInstanceOf(ScheduleNotFoundException.class).hasMessageContaining("'missing'");
        assertThat(schedules.list()).isEmpty();
    }

    @ConformanceTest
    void aPausedScheduleDoesNotFireAndResumesFromTheNextSlotWithoutCatchingUp(TestBackend backend) {
        Store store = backend.open(b -> b.maintenance(false));
        store.queues().create("ticks");
        Schedules schedules = store.schedules();
        schedules.create(ScheduleSpec.enqueue("tick", "ticks", "* * * * *").missedFirings(MissedFirings.FIRE_ALL).build());

        assertThat(schedules.pause("tick").paused()).isTrue();
        assertThat(schedules.pause("tick").paused()).as("idempotent").isTrue();
        backdate(backend, "tick", Duration.ofMinutes(5));
        assertThat(schedules.fireDue()).isZero();
        assertThat(store.queues().metrics("ticks").total()).isZero();

        ScheduleFiring manual = schedules.triggerNow("tick");
        assertThat(manual.outcome()).isEqualTo(ScheduleFiring.Outcome.MANUAL);
        assertThat(manual.messageId()).isNotNull();
        assertThat(store.queues().metrics("ticks").total()).as("trigger now fires a paused schedule").isEqualTo(1);

        ScheduleInfo resumed = schedules.resume("tick");
        assertThat(resumed.paused()).isFalse();
        Instant dbNow = dbNow(store);
        assertThat(resumed.nextFireAt()).isAfter(dbNow.minusSeconds(1)).isBefore(dbNow.plusSeconds(61));
        assertThat(schedules.fireDue()).as("the paused minutes are not missed firings").isZero();
        assertThat(store.queues().metrics("ticks").total()).isEqualTo(1);
        assertThat(schedules.firings("tick", 10)).extracting(ScheduleFiring::outcome)
                .containsExactly(ScheduleFiring.Outcome.MANUAL);
    }

    /** The maintenance service fires a per-second schedule within a second of each slot, on the database clock. */
    @ConformanceTest
    void theMaintenanceServiceFiresEachSlotWithinASecond(TestBackend backend) {
        Store store = backend.open();
        store.queues().create("ticks");
        store.schedules().create(ScheduleSpec.enqueue("tick", "ticks", EVERY_SECOND).payload(Map.of("tick", true)).build());

        await().atMost(Duration.ofSeconds(30)).until(() -> store.queues().metrics("ticks").total() >= 3);
        List<ScheduleFiring> firings = store.schedules().firings("tick", 3);
        assertThat(firings).allSatisfy(f -> {
            assertThat(f.outcome()).isEqualTo(ScheduleFiring.Outcome.FIRED);
            assertThat(Duration.between(f.scheduledAt(), f.firedAt())).isBetween(Duration.ZERO, Duration.ofSeconds(1));
        });
        try (Consumer consumer = store.consumer("ticks")) {
            Message tick = consumer.dequeue(1).get(0);
            assertThat(tick.payload().get("tick").asBoolean()).isTrue();
            consumer.archive(tick);
        }
    }

    /**
     * Four stores, two threads each, fire one per-second schedule at once, from a cursor set 20 s back (FIRE_ALL):
     * every slot from the cursor on is fired exactly once, each firing enqueued exactly one message.
     */
    @ConformanceTest
    void severalStoresFiringAtOnceFireEachSlotOnce(TestBackend backend) throws Exception {
        Store first = backend.open(b -> b.maintenance(false));
        first.queues().create("ticks");
        first.schedules().create(ScheduleSpec.enqueue("tick", "ticks", EVERY_SECOND)
                .missedFirings(MissedFirings.FIRE_ALL).maxCatchUp(1_000).build());
        backdate(backend, "tick", Duration.ofSeconds(20));
        List<Store> stores = List.of(first, backend.open(b -> b.maintenance(false)), backend.open(b -> b.maintenance(false)),
                backend.open(b -> b.maintenance(false)));
        ExecutorService pool = Executors.newFixedThreadPool(stores.size() * 2);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> passes = new ArrayList<>();
        try {
            for (Store store : stores) {
                for (int t = 0; t < 2; t++) {
                    passes.add(pool.submit(() -> {
                        start.await();
                        int enqueued = 0;
                        for (int i = 0; i < 15; i++) {
                            enqueued += store.schedules().fireDue();
                        }
                        return enqueued;
                    }));
                }
            }
            start.countDown();
            int enqueued = 0;
            for (Future<Integer> f : passes) {
                enqueued += f.get(2, TimeUnit.MINUTES);
            }
            List<ScheduleFiring> firings = first.schedules().firings("tick", 1_000);
            assertThat(firings).hasSizeGreaterThanOrEqualTo(20)
                    .allSatisfy(f -> assertThat(f.outcome()).isEqualTo(ScheduleFiring.Outcome.FIRED));
            assertThat(first.queues().metrics("ticks").total()).isEqualTo(firings.size()).isEqualTo(enqueued);
            Set<Long> messages = new HashSet<>();
            firings.forEach(f -> messages.add(f.messageId()));
            assertThat(messages).hasSize(firings.size());
            // Every second from the first slot to the last fired, none twice (the key) and none left out.
            List<Instant> slots = firings.stream().map(ScheduleFiring::scheduledAt).sorted().toList();
            for (int i = 1; i < slots.size(); i++) {
                assertThat(Duration.between(slots.get(i - 1), slots.get(i))).isEqualTo(Duration.ofSeconds(1));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A daily slot six hours before now, the cursor set back three days: three slots were missed (54, 30 and 6
     * hours ago), all older than the on-time minute.
     */
    @ConformanceTest
    void missedFiringsFollowTheSchedulesPolicy(TestBackend backend) {
        Store store = backend.open(b -> b.maintenance(false));
        Schedules schedules = store.schedules();
        ZonedDateTime sixHoursAgo = ZonedDateTime.ofInstant(dbNow(store).minus(Duration.ofHours(6)), ZoneOffset.UTC);
        String daily = sixHoursAgo.getMinute() + " " + sixHoursAgo.getHour() + " * * *";
        Map<String, Integer> expected = Map.of("skip", 0, "once", 1, "all-2", 2, "all", 3);
        for (String name : expected.keySet()) {
            store.queues().create(name);
            ScheduleSpec.Builder spec = ScheduleSpec.enqueue(name, name, daily);
            switch (name) {
                case "skip" -> spec.missedFirings(MissedFirings.SKIP);
                case "once" -> spec.missedFirings(MissedFirings.FIRE_ONCE);
                case "all-2" -> spec.missedFirings(MissedFirings.FIRE_ALL).maxCatchUp(2);
                default -> spec.missedFirings(MissedFirings.FIRE_ALL);
            }
            schedules.create(spec.build());
            backdate(backend, name, Duration.ofDays(3));
        }

        assertThat(schedules.fireDue()).isEqualTo(6);
        Instant now = dbNow(store);
        expected.forEach((name, count) -> {
            assertThat(store.queues().metrics(name).total()).as(name).isEqualTo((long) count);
            List<ScheduleFiring> firings = schedules.firings(name, 10);
            assertThat(firings).as(name).hasSize(count);
            if (count > 0) {
                assertThat(Duration.between(firings.get(0).scheduledAt(), now))
                        .as("%s fires the most recent slot", name).isBetween(Duration.ofHours(6), Duration.ofHours(7));
            }
            assertThat(schedules.get(name).nextFireAt()).as(name).isAfter(now);
        });
        assertThat(schedules.fireDue()).as("caught up").isZero();
    }

    @ConformanceTest
    void overlapSkipWaitsForThePreviousMessageToBeArchived(TestBackend backend) {
        Store store = backend.open(b -> b.maintenance(false));
        store.queues().create("ticks");
        Schedules schedules = store.schedules();
        schedules.create(ScheduleSpec.enqueue("tick", "ticks", EVERY_SECOND).overlap(OverlapPolicy.SKIP).build());
        backdate(backend, "tick", Duration.ofSeconds(2));
        assertThat(schedules.fireDue()).isEqualTo(1);

        // Later slots come and find the first message still waiting.
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            schedules.fireDue();
            return schedules.firings("tick", 10).stream()
                    .anyMatch(f -> f.outcome() == ScheduleFiring.Outcome.OVERLAP_SKIPPED);
        });
        assertThat(store.queues().metrics("ticks").total()).isEqualTo(1);

        try (Consumer consumer = store.consumer("ticks")) {
            assertThat(consumer.archive(consumer.dequeue(1).get(0))).isTrue();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            schedules.fireDue();
            return store.queues().metrics("ticks").total() == 2;
        });
        assertThat(schedules.firings("tick", 100).get(0).outcome()).isIn(ScheduleFiring.Outcome.FIRED,
                ScheduleFiring.Outcome.OVERLAP_SKIPPED);
    }

    /** A workflow schedule triggers runs with its payload as the input; SKIP waits for the run to finish. */
    @ConformanceTest
    void aWorkflowScheduleTriggersRunsAndSkipsWhileOneIsUnfinished(TestBackend backend) {
        Store store = backend.open(b -> b.maintenance(false));
        Workflow<JsonNode, String> report = Workflow.define("report", JsonNode.class, String.class,
                (ctx, in) -> ctx.step("render", String.class, () -> "report " + in.get("kind").asText()));
        store.workflows().register(report);
        Schedules schedules = store.schedules();
        schedules.create(ScheduleSpec.workflow("daily-report", "report", EVERY_SECOND)
                .payload(Map.of("kind", "daily")).overlap(OverlapPolicy.SKIP).build());

        ScheduleFiring manual = schedules.triggerNow("daily-report");
        assertThat(manual.runId()).isNotNull();
        assertThat(manual.messageId()).isNotNull();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            schedules.fireDue();
            return schedules.firings("daily-report", 10).stream()
                    .anyMatch(f -> f.outcome() == ScheduleFiring.Outcome.OVERLAP_SKIPPED);
        });
        assertThat(store.workflows().list("report", 10)).hasSize(1);

        store.workflows().startWorker(report);
        assertThat(store.workflows().handle(manual.runId(), String.class).await(Duration.ofSeconds(30)))
                .isEqualTo("report daily");
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            schedules.fireDue();
            return store.workflows().list("report", 10).size() == 2;
        });
        ScheduleFiring fired = schedules.firings("daily-report", 100).stream()
                .filter(f -> f.outcome() == ScheduleFiring.Outcome.FIRED).findFirst().orElseThrow();
        assertThat(store.workflows().handle(fired.runId(), String.class).await(Duration.ofSeconds(30)))
                .isEqualTo("report daily");
        assertThat(store.workflows().get(fired.runId()).status()).isEqualTo(RunStatus.SUCCESS);
    }

    /** Sets a schedule's cursor back, as if every process had been down since then. */
    private static void backdate(TestBackend backend, String schedule, Duration by) {
        assertThat(backend.execute("UPDATE pgqrs_schedules SET next_fire_at = " + backend.ago(by)
                + " WHERE name = '" + schedule + "'")).isEqualTo(1);
    }

    /** The database's time: the test databases run on this machine, with its clock. */
    private static Instant dbNow(Store store) {
        return Instant.now();
    }
}
