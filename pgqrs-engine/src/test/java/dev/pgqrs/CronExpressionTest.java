package dev.pgqrs;

import dev.pgqrs.schedule.FiringPlan;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Cron expressions in both forms, time zones and their daylight saving days, and the missed-slot policies. */
class CronExpressionTest {

    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

    @Test
    void fiveFieldsAreTheUnixFormAndSixOrSevenTheQuartzForm() {
        CronExpression unix = CronExpression.parse("30 2 * * 1-5", "UTC");
        assertThat(unix.form()).isEqualTo(CronExpression.Form.UNIX);
        assertThat(unix.next(Instant.parse("2026-12-04T03:00:00Z")))   // a Friday, after the slot
                .contains(Instant.parse("2026-12-07T02:30:00Z"));     // Monday

        CronExpression quartz = CronExpression.parse("*/1 * * * * ?", "UTC");
        assertThat(quartz.form()).isEqualTo(CronExpression.Form.QUARTZ);
        assertThat(quartz.next(Instant.parse("2026-12-01T10:00:00.400Z"))).contains(Instant.parse("2026-12-01T10:00:01Z"));
        assertThat(CronExpression.parse("0 0 12 * * ? 2027", "UTC").next(Instant.parse("2026-12-01T00:00:00Z")))
                .contains(Instant.parse("2027-01-01T12:00:00Z"));
        assertThat(CronExpression.parse("0 0 12 * * ? 2020", "UTC").next(Instant.parse("2026-12-01T00:00:00Z"))).isEmpty();
    }

    @Test
    void slotsAtOrAroundAnInstant() {
        CronExpression hourly = CronExpression.parse("0 * * * *", "UTC");
        Instant ten = Instant.parse("2026-12-01T10:00:00Z");
        assertThat(hourly.isSlot(ten)).isTrue();
        assertThat(hourly.isSlot(ten.plusMillis(1))).isFalse();
        assertThat(hourly.nextOrSame(ten)).contains(ten);
        assertThat(hourly.previousOrSame(ten.plusSeconds(59 * 60))).contains(ten);
        assertThat(hourly.previousOrSame(ten)).contains(ten);
        assertThat(hourly.previous(ten)).contains(ten.minusSeconds(3600));
        assertThat(hourly.next(ten, 3)).containsExactly(ten.plusSeconds(3600), ten.plusSeconds(7200), ten.plusSeconds(10800));
    }

    @Test
    void aBadExpressionOrZoneIsRefusedNamingIt() {
        assertThatThrownBy(() -> CronExpression.parse("61 * * * *", "UTC"))
                .isInstanceOf(InvalidScheduleException.class).hasMessageContaining("'61 * * * *'");
        assertThatThrownBy(() -> CronExpression.parse("* * *", "UTC"))
                .isInstanceOf(InvalidScheduleException.class).hasMessageContaining("'* * *'").hasMessageContaining("3 fields");
        assertThatThrownBy(() -> CronExpression.parse("0 0 12 * * *", "UTC"))
                .as("Quartz wants '?' in one day field").isInstanceOf(InvalidScheduleException.class)
                .hasMessageContaining("'0 0 12 * * *'");
        assertThatThrownBy(() -> CronExpression.parse("0 2 * * *", "Mars/Olympus"))
                .isInstanceOf(InvalidScheduleException.class).hasMessageContaining("'Mars/Olympus'");
        assertThatThrownBy(() -> ScheduleSpec.enqueue("nightly", "reports", "0 25 * * *").build())
                .isInstanceOf(InvalidScheduleException.class).hasMessageContaining("schedule 'nightly'")
                .hasMessageContaining("'0 25 * * *'");
    }

    /** 2026-03-29 in Paris: 02:00 CET becomes 03:00 CEST; a 02:30 slot does not exist that day. */
    @Test
    void onASpringForwardDayTheZoneRulesPlaceEachSlot() {
        CronExpression daily0230 = CronExpression.parse("30 2 * * *", PARIS);
        List<Instant> slots = daily0230.next(paris(2026, 3, 27, 12, 0), 3);
        assertThat(slots.get(0)).isEqualTo(paris(2026, 3, 28, 2, 30));
        // No 02:30 on the 29th: the wall time does not exist, so the zone's rules leave no slot that day.
        assertThat(slots.get(1)).isEqualTo(Instant.parse("2026-03-30T00:30:00Z"));   // 02:30 CEST
        assertThat(slots.get(2)).isEqualTo(Instant.parse("2026-03-31T00:30:00Z"));

        CronExpression hourly = CronExpression.parse("0 * * * *", PARIS);
        // 01:00 CET (00:00 UTC) then 03:00 CEST (01:00 UTC): one hour of real time, no slot at a wall time that did not exist.
        assertThat(hourly.next(paris(2026, 3, 29, 1, 0), 2))
                .containsExactly(Instant.parse("2026-03-29T01:00:00Z"), Instant.parse("2026-03-29T02:00:00Z"));
    }

    /** 2026-10-25 in Paris: 03:00 CEST becomes 02:00 CET; 02:30 happens twice on the wall clock. */
    @Test
    void onAFallBackDayARepeatedWallTimeFiresOnce() {
        CronExpression daily0230 = CronExpression.parse("30 2 * * *", PARIS);
        List<Instant> slots = daily0230.next(paris(2026, 10, 24, 12, 0), 2);
        assertThat(slots.get(0)).isEqualTo(Instant.parse("2026-10-25T00:30:00Z"));   // 02:30 CEST, the first one
        assertThat(slots.get(1)).isEqualTo(Instant.parse("2026-10-26T01:30:00Z"));   // 02:30 CET the next day

        CronExpression daily0900 = CronExpression.parse("0 9 * * *", PARIS);
        assertThat(daily0900.next(paris(2026, 10, 24, 12, 0), 2))
                .as("09:00 local on both sides of the change")
                .containsExactly(Instant.parse("2026-10-25T08:00:00Z"), Instant.parse("2026-10-26T08:00:00Z"));
    }

    @Test
    void missedSlotsFollowThePolicy() {
        CronExpression minutely = CronExpression.parse("* * * * *", "UTC");
        Instant now = Instant.parse("2026-12-01T10:10:30Z");
        Instant cursor = Instant.parse("2026-12-01T10:00:00Z");   // 11 slots due: 10:00 .. 10:10
        Instant next = Instant.parse("2026-12-01T10:11:00Z");

        FiringPlan skip = FiringPlan.of(minutely, cursor, now, MissedFirings.SKIP, 10);
        assertThat(skip.slots()).containsExactly(Instant.parse("2026-12-01T10:10:00Z"));   // on time: 30 s old
        assertThat(skip.nextCursor()).isEqualTo(next);
        assertThat(skip.dropped()).isTrue();

        FiringPlan skipLate = FiringPlan.of(CronExpression.parse("0 * * * *", "UTC"), Instant.parse("2026-12-01T07:00:00Z"),
                now, MissedFirings.SKIP, 10);
        assertThat(skipLate.slots()).as("10:00 is ten minutes old: missed too").isEmpty();
        assertThat(skipLate.nextCursor()).isEqualTo(Instant.parse("2026-12-01T11:00:00Z"));

        FiringPlan once = FiringPlan.of(minutely, cursor, now, MissedFirings.FIRE_ONCE, 10);
        assertThat(once.slots()).containsExactly(Instant.parse("2026-12-01T10:10:00Z"));

        FiringPlan all = FiringPlan.of(minutely, cursor, now, MissedFirings.FIRE_ALL, 100);
        assertThat(all.slots()).hasSize(11).startsWith(cursor).endsWith(Instant.parse("2026-12-01T10:10:00Z"));
        assertThat(all.dropped()).isFalse();

        FiringPlan bounded = FiringPlan.of(minutely, cursor, now, MissedFirings.FIRE_ALL, 3);
        assertThat(bounded.slots()).containsExactly(Instant.parse("2026-12-01T10:08:00Z"),
                Instant.parse("2026-12-01T10:09:00Z"), Instant.parse("2026-12-01T10:10:00Z"));
        assertThat(bounded.dropped()).isTrue();

        FiringPlan onTime = FiringPlan.of(minutely, Instant.parse("2026-12-01T10:10:00Z"), now, MissedFirings.FIRE_ALL, 3);
        assertThat(onTime.slots()).containsExactly(Instant.parse("2026-12-01T10:10:00Z"));
        assertThat(onTime.dropped()).isFalse();
    }

    private static Instant paris(int year, int month, int day, int hour, int minute) {
        return ZonedDateTime.of(LocalDateTime.of(year, month, day, hour, minute), PARIS).toInstant();
    }
}
