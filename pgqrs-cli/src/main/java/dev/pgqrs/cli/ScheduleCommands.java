package dev.pgqrs.cli;

import dev.pgqrs.ScheduleFiring;
import dev.pgqrs.ScheduleInfo;
import dev.pgqrs.ScheduleNotFoundException;
import dev.pgqrs.Schedules;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code pgqrs schedule}: the store's cron schedules with their next and last firings; pause, resume, delete one,
 * or fire it now. Pausing and resuming change the schedule's row: the maintenance leader of whatever process
 * fires schedules reads it at its next pass.
 */
@Command(name = "schedule", description = "List cron schedules with their next and last firings; pause, resume, "
        + "delete one, or fire it now.")
final class ScheduleCommands {

    @ParentCommand
    PgqrsCommand root;

    @Command(name = "list", description = "Every schedule, by name: cron, zone, target, paused, next and last firing, policies.")
    int list() {
        return root.run((store, out) -> {
            Schedules schedules = store.schedules();
            List<Map<String, Object>> rows = new ArrayList<>();
            for (ScheduleInfo s : schedules.list()) {
                // A schedule deleted since the list was read is left out, as if listed a moment later.
                described(schedules, s).ifPresent(rows::add);
            }
            out.list(rows, Rows.SCHEDULE_COLUMNS);
            return 0;
        });
    }

    @Command(name = "get", description = "One schedule with its next firing times and its most recent firings.")
    int get(@Parameters(paramLabel = "NAME") String name,
            @Option(names = "--next", paramLabel = "N", defaultValue = "5",
                    description = "how many next firing times (default: 5)") int next,
            @Option(names = "--firings", paramLabel = "N", defaultValue = "10",
                    description = "how many recent firings, newest first (default: 10)") int firings) {
        requireAtLeastOne("get", "--next", next);
        requireAtLeastOne("get", "--firings", firings);
        return root.run((store, out) -> {
            Schedules schedules = store.schedules();
            ScheduleInfo s = schedules.get(name);
            List<Instant> upcoming = schedules.nextFirings(name, next);
            List<ScheduleFiring> history = schedules.firings(name, firings);
            Map<String, Object> answer = Rows.schedule(s, s.paused() ? first(upcoming) : s.nextFireAt(), first(history));
            answer.put("next_firings", upcoming.stream().map(Rows::time).toList());
            answer.put("firings", history.stream().map(Rows::firing).toList());
            out.object(answer);
            return 0;
        });
    }

    @Command(name = "pause", description = "The schedule fires no more until resumed (pausing a paused one changes nothing).")
    int pause(@Parameters(paramLabel = "NAME") String name) {
        return root.run((store, out) -> {
            ScheduleInfo paused = store.schedules().pause(name);
            out.object(described(store.schedules(), paused).orElseThrow(() -> new ScheduleNotFoundException(name)));
            return 0;
        });
    }

    @Command(name = "resume", description = "A paused schedule fires again from its first slot after now (the slots "
            + "passed while paused are not fired).")
    int resume(@Parameters(paramLabel = "NAME") String name) {
        return root.run((store, out) -> {
            ScheduleInfo resumed = store.schedules().resume(name);
            out.object(described(store.schedules(), resumed).orElseThrow(() -> new ScheduleNotFoundException(name)));
            return 0;
        });
    }

    @Command(name = "delete", description = "Delete the schedule and its firing history (not the messages it enqueued).")
    int delete(@Parameters(paramLabel = "NAME") String name) {
        return root.run((store, out) -> {
            if (!store.schedules().delete(name)) {
                throw new ScheduleNotFoundException(name);
            }
            out.object(Map.of("deleted", name));
            return 0;
        });
    }

    @Command(name = "trigger", description = "Fire the schedule now, once, paused or not and whatever its overlap "
            + "policy, without moving its next slot.")
    int trigger(@Parameters(paramLabel = "NAME") String name) {
        return root.run((store, out) -> {
            out.object(Rows.firing(store.schedules().triggerNow(name)));
            return 0;
        });
    }

    /**
     * The schedule with its next firing (an active schedule's cursor; a paused one's first slot after now, where a
     * resume would start) and its last firing; empty when it was deleted meanwhile.
     */
    private static Optional<Map<String, Object>> described(Schedules schedules, ScheduleInfo s) {
        try {
            Instant next = s.paused() ? first(schedules.nextFirings(s.name(), 1)) : s.nextFireAt();
            return Optional.of(Rows.schedule(s, next, first(schedules.firings(s.name(), 1))));
        } catch (ScheduleNotFoundException deleted) {
            return Optional.empty();
        }
    }

    private static <T> T first(List<T> values) {
        return values.isEmpty() ? null : values.get(0);
    }

    private void requireAtLeastOne(String command, String option, int value) {
        if (value < 1) {
            CommandLine self = root.spec.commandLine().getSubcommands().get("schedule").getSubcommands().get(command);
            throw new CommandLine.ParameterException(self, option + " must be at least 1, was " + value);
        }
    }
}
