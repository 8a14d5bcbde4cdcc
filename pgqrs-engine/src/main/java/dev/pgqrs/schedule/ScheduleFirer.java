package dev.pgqrs.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgqrs.CronExpression;
import dev.pgqrs.OutageLog;
import dev.pgqrs.OverlapPolicy;
import dev.pgqrs.PgqrsException;
import dev.pgqrs.ScheduleFiring;
import dev.pgqrs.ScheduleInfo;
import dev.pgqrs.ScheduleSpec;
import dev.pgqrs.SchemaException;
import dev.pgqrs.Store;
import dev.pgqrs.payload.Json;
import dev.pgqrs.store.Database;
import dev.pgqrs.store.RepeatedFailureLog;
import dev.pgqrs.store.ScheduleRepository;
import dev.pgqrs.store.ScheduleRepository.DueSchedule;
import dev.pgqrs.store.ScheduleRepository.ScheduleRow;
import dev.pgqrs.workflow.RunHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fires due schedules: the maintenance service's pass, safe to run in every process at once.
 *
 * <p>Each schedule fires in one transaction that (1) moves its cursor past the database's time with a
 * compare-and-set on the row's revision, (2) records each slot in {@code pgqrs_schedule_firings} under the key
 * (schedule, slot) with {@code ON CONFLICT DO NOTHING}, (3) enqueues the slot's message or triggers its run, and
 * records what it enqueued. A process that loses either race (1) or (2) enqueues nothing, so a slot fires once
 * across every process; a failure rolls all of it back and the next pass tries again.
 */
public final class ScheduleFirer {

    private static final Logger LOG = LoggerFactory.getLogger(ScheduleFirer.class);
    /** Due schedules read per pass; the rest wait for the next one. */
    static final int BATCH = 100;
    /** Firings kept per schedule as history (older ones are deleted as new ones are recorded). */
    public static final int KEPT_FIRINGS = 100;

    private final Store store;
    private final Database database;
    private final ScheduleRepository rows;
    private final ConcurrentHashMap<String, RepeatedFailureLog> failures = new ConcurrentHashMap<>();

    public ScheduleFirer(Store store, Database database) {
        this.store = store;
        this.database = database;
        this.rows = new ScheduleRepository(database.dialect());
    }

    /** One pass over the due schedules; returns how many messages it enqueued (runs triggered included). */
    public int fireDue() {
        List<DueSchedule> dueSchedules;
        try {
            dueSchedules = database.read("read due schedules", c -> rows.due(c, BATCH));
        } catch (SchemaException notInstalled) {
            // No schedule table, no schedule: a store opened just before its install, or on a database an older
            // release installed. admin().verify() says what is missing; the pass itself has nothing to report.
            LOG.debug("no schedules to fire: {}", notInstalled.getMessage());
            return 0;
        }
        int fired = 0;
        for (DueSchedule due : dueSchedules) {
            String name = due.row().info().name();
            RepeatedFailureLog log = failures.computeIfAbsent(name,
                    n -> new RepeatedFailureLog(LOG, "schedule '" + n + "'"));
            try {
                fired += fire(due);
                log.succeeded();
            } catch (PgqrsException e) {
                if (OutageLog.isOutage(e)) {
                    throw e;
                }
                // One broken schedule (its queue deleted, its payload refused) must not hold up the others.
                log.failed(e, "its slot fires at the next pass once the cause is fixed");
            }
        }
        return fired;
    }

    private int fire(DueSchedule due) {
        ScheduleRow row = due.row();
        ScheduleInfo s = row.info();
        CronExpression cron = CronExpression.parse(s.cron(), s.timeZone());
        FiringPlan plan = FiringPlan.of(cron, s.nextFireAt(), due.now(), s.missedFirings(), s.maxCatchUp());
        int fired = database.transaction("fire schedule '" + s.name() + "'", c -> {
            if (!rows.claim(c, row.id(), row.revision(), plan.nextCursor())) {
                return 0; // another process fired it, or it was changed since it was read
            }
            int n = 0;
            for (Instant slot : plan.slots()) {
                if (fireSlot(c, row, slot, ScheduleFiring.Outcome.FIRED) == ScheduleFiring.Outcome.FIRED) {
                    n++;
                }
            }
            if (!plan.slots().isEmpty()) {
                rows.pruneFirings(c, row.id(), KEPT_FIRINGS);
            }
            return n;
        });
        if (plan.dropped()) {
            LOG.info("schedule '{}' missed slots before {} ({} policy): fired {}", s.name(), due.now(),
                    s.missedFirings(), plan.slots());
        }
        return fired;
    }

    /** Fires the schedule now, outside its slots and whatever its overlap rule (an operator's request). */
    public ScheduleFiring triggerNow(ScheduleRow row) {
        return database.transaction("trigger schedule '" + row.info().name() + "'", c -> {
            Instant now = rows.now(c).truncatedTo(ChronoUnit.MILLIS);
            if (fireSlot(c, row, now, ScheduleFiring.Outcome.MANUAL) == null) {
                throw new PgqrsException("schedule '" + row.info().name() + "' was triggered twice at " + now
                        + "; nothing was enqueued by this request, try again");
            }
            return rows.firing(c, row.id(), now).orElseThrow();
        });
    }

    /**
     * Records the slot and, unless a process recorded it first or the overlap rule skips it, enqueues its message.
     * Returns the outcome recorded, or null when the slot was recorded before (by another process).
     */
    private ScheduleFiring.Outcome fireSlot(Connection c, ScheduleRow row, Instant slot, ScheduleFiring.Outcome outcome)
            throws SQLException {
        ScheduleInfo s = row.info();
        if (outcome == ScheduleFiring.Outcome.FIRED && s.overlap() == OverlapPolicy.SKIP
                && rows.unfinishedFirings(c, row.id()) > 0) {
            return rows.insertFiring(c, row.id(), slot, ScheduleFiring.Outcome.OVERLAP_SKIPPED)
                    ? ScheduleFiring.Outcome.OVERLAP_SKIPPED : null;
        }
        if (!rows.insertFiring(c, row.id(), slot, outcome)) {
            return null;
        }
        JsonNode payload = Json.parse(s.payloadJson());
        if (s.target() == ScheduleSpec.Target.QUEUE) {
            long messageId = store.enqueue(c, s.targetName(), payload);
            rows.completeFiring(c, row.id(), slot, messageId, null);
        } else {
            RunHandle<JsonNode> run = store.workflows().trigger(c, s.targetName(), payload, Duration.ZERO);
            rows.completeFiring(c, row.id(), slot, rows.runMessage(c, run.id()), run.id());
        }
        return outcome;
    }
}
