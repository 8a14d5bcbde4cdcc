package dev.pgqrs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgqrs.payload.Json;
import dev.pgqrs.schedule.ScheduleFirer;
import dev.pgqrs.store.Database;
import dev.pgqrs.store.ScheduleRepository;
import dev.pgqrs.store.ScheduleRepository.ScheduleRow;
import dev.pgqrs.workflow.WorkflowNotFoundException;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Named cron schedules that enqueue a message on a queue or trigger a workflow run: create (idempotent by name),
 * list, pause, resume, delete, trigger now, and the next firing times. Obtain it with {@link Store#schedules()}.
 *
 * <p>Schedules fire from the maintenance service of every store that runs it (a pass every half second, on the
 * database's clock): a slot is fired once across all processes, in the transaction that enqueues its message.
 * See {@link MissedFirings} for slots that passed while nothing ran, and {@link OverlapPolicy} for a firing whose
 * previous one has not finished.
 */
public final class Schedules {

    private final Store store;
    private final Database database;
    private final ScheduleRepository rows;
    private final ScheduleFirer firer;

    Schedules(Store store) {
        this.store = store;
        this.database = store.database();
        this.rows = new ScheduleRepository(database.dialect());
        this.firer = new ScheduleFirer(store, database);
    }

    /**
     * Creates the schedule, or brings the one of that name to {@code spec}. A new or changed expression or zone
     * starts from the first slot after now; a change of payload, target or policy keeps the next slot. The same spec
     * again changes nothing. The target must exist (a queue, or a registered workflow), and the payload pass the
     * store's payload rules.
     */
    public ScheduleInfo create(ScheduleSpec spec) {
        Objects.requireNonNull(spec, "spec");
        String payloadJson = payloadJson(spec);
        requireTarget(spec);
        return database.transaction("create schedule '" + Names.display(spec.name()) + "'", c -> {
            Instant now = rows.now(c);
            Instant first = spec.cron().next(now).orElseThrow(() -> new InvalidScheduleException("schedule '"
                    + Names.display(spec.name()) + "': cron expression '" + spec.cron().expression()
                    + "' has no slot after " + now + "; it would never fire"));
            if (!rows.insert(c, spec, payloadJson, first)) {
                ScheduleInfo existing = rows.find(c, spec.name()).orElseThrow().info();
                boolean timesChanged = !existing.cron().equals(spec.cron().expression())
                        || !existing.timeZone().equals(spec.cron().zone());
                if (timesChanged || !sameDefinition(existing, spec, payloadJson)) {
                    rows.update(c, spec, payloadJson, timesChanged ? first : existing.nextFireAt());
                }
            }
            return rows.find(c, spec.name()).orElseThrow().info();
        });
    }

    public Optional<ScheduleInfo> find(String name) {
        Names.requireKey("schedule name", name);
        return database.read("read schedule '" + Names.display(name) + "'", c -> rows.find(c, name)).map(ScheduleRow::info);
    }

    /** The schedule; {@link ScheduleNotFoundException} when there is none of that name. */
    public ScheduleInfo get(String name) {
        return row(name).info();
    }

    /** Every schedule, by name. */
    public List<ScheduleInfo> list() {
        return database.read("list schedules", rows::list).stream().map(ScheduleRow::info).toList();
    }

    /** Stops the schedule's firings until {@link #resume}; pausing a paused schedule changes nothing. */
    public ScheduleInfo pause(String name) {
        row(name);
        database.execute("pause schedule '" + Names.display(name) + "'", c -> rows.pause(c, name));
        return get(name);
    }

    /**
     * Starts a paused schedule again from the first slot after now: the slots that passed while it was paused are
     * not missed firings (nobody wanted them), so no policy fires them. Resuming an active schedule changes nothing.
     */
    public ScheduleInfo resume(String name) {
        ScheduleInfo s = row(name).info();
        if (!s.paused()) {
            return s;
        }
        CronExpression cron = CronExpression.parse(s.cron(), s.timeZone());
        database.transaction("resume schedule '" + Names.display(name) + "'", c -> {
            Instant now = rows.now(c);
            return rows.resume(c, name, cron.next(now).orElse(dev.pgqrs.schedule.FiringPlan.NEVER));
        });
        return get(name);
    }

    /** Deletes the schedule and its firing history (not the messages it enqueued); returns whether it existed. */
    public boolean delete(String name) {
        Names.requireKey("schedule name", name);
        return database.transaction("delete schedule '" + Names.display(name) + "'", c -> rows.delete(c, name));
    }

    /**
     * Fires the schedule now, once, paused or not and whatever its overlap rule, without moving its next slot;
     * returns the firing (outcome {@link ScheduleFiring.Outcome#MANUAL}, with its message and run).
     */
    public ScheduleFiring triggerNow(String name) {
        return firer.triggerNow(row(name));
    }

    /**
     * The next {@code count} firing times: from the schedule's next slot, or, while it is paused, from the first
     * slot after now (where {@link #resume} would start).
     */
    public List<Instant> nextFirings(String name, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, was " + count);
        }
        ScheduleInfo s = get(name);
        CronExpression cron = CronExpression.parse(s.cron(), s.timeZone());
        Instant from = s.paused() ? database.read("read the database time", rows::now) : s.nextFireAt();
        Optional<Instant> first = s.paused() ? cron.next(from) : cron.nextOrSame(from);
        if (first.isEmpty()) {
            return List.of();
        }
        List<Instant> out = new java.util.ArrayList<>(count);
        out.add(first.get());
        out.addAll(cron.next(first.get(), count - 1));
        return out;
    }

    /** The schedule's most recent firings, newest first (the newest {@value ScheduleFirer#KEPT_FIRINGS} are kept). */
    public List<ScheduleFiring> firings(String name, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        long id = row(name).id();
        return database.read("read firings of schedule '" + Names.display(name) + "'", c -> rows.firings(c, id, limit));
    }

    /**
     * Fires every due schedule now, once: the maintenance service's pass, for a store that does not run it (or an
     * operator who will not wait half a second). Safe beside other processes' passes. Returns the messages enqueued.
     */
    public int fireDue() {
        return firer.fireDue();
    }

    private ScheduleRow row(String name) {
        Names.requireKey("schedule name", name);
        return database.read("read schedule '" + Names.display(name) + "'", c -> rows.find(c, name))
                .orElseThrow(() -> new ScheduleNotFoundException(name));
    }

    private void requireTarget(ScheduleSpec spec) {
        if (spec.target() == ScheduleSpec.Target.QUEUE) {
            store.queues().get(spec.targetName());
        } else if (store.workflows().list().stream().noneMatch(w -> w.name().equals(spec.targetName()))) {
            throw new WorkflowNotFoundException(spec.targetName());
        }
    }

    /**
     * The payload as stored: checked now against the store's payload rules, as the message it becomes (a workflow's
     * is {@code {"input": …}}), so a firing never meets a payload it cannot enqueue.
     */
    private String payloadJson(ScheduleSpec spec) {
        JsonNode tree = store.codec().toTree(spec.payload());
        try {
            if (spec.target() == ScheduleSpec.Target.QUEUE) {
                store.validator().validate(tree);
            } else {
                ObjectNode message = JsonNodeFactory.instance.objectNode();
                message.set("input", tree);
                store.validator().validate(message);
            }
        } catch (InvalidPayloadException e) {
            throw new InvalidPayloadException("payload of schedule '" + Names.display(spec.name()) + "': " + e.getMessage());
        }
        return Json.write(tree);
    }

    private static boolean sameDefinition(ScheduleInfo existing, ScheduleSpec spec, String payloadJson) {
        return existing.target() == spec.target() && existing.targetName().equals(spec.targetName())
                && existing.payloadJson().equals(payloadJson) && existing.missedFirings() == spec.missedFirings()
                && existing.maxCatchUp() == spec.maxCatchUp() && existing.overlap() == spec.overlap();
    }
}
