package dev.pgqrs.bench.drain;

import dev.pgqrs.bench.measure.Percentiles;
import dev.pgqrs.bench.measure.Stats;

import java.util.List;
import java.util.Map;

/**
 * The median over repeats of one contender in one cell, with its ratio to the floor: the median of
 * the per-repeat ratios, each taken against the floor run of the same repeat (runs next to each
 * other in time share the machine's mood, which a ratio of medians would not).
 */
public record DrainSummary(
        String backend, String contender, int consumers, int batch, int runs,
        double msgPerSec, double seconds, boolean capped, long acked,
        Percentiles dequeue, Percentiles ack,
        long errors, long duplicates, long lost,
        double commitsPerMessage, double walSyncsPerMessage,
        double ratioToFloor, double ratioMin, double ratioMax) {

    public static DrainSummary of(List<DrainMeasurement> runs, Map<Integer, DrainMeasurement> floorByRepeat) {
        DrainMeasurement first = runs.get(0);
        double[] ratios = runs.stream().mapToDouble(m -> {
            DrainMeasurement floor = floorByRepeat.get(m.repeat());
            return floor == null ? Double.NaN : Stats.ratio(m.msgPerSec(), floor.msgPerSec());
        }).filter(r -> !Double.isNaN(r)).toArray();
        return new DrainSummary(first.backend(), first.contender(), first.consumers(), first.batch(), runs.size(),
                Stats.median(runs.stream().mapToDouble(DrainMeasurement::msgPerSec).toArray()),
                Stats.median(runs.stream().mapToDouble(DrainMeasurement::seconds).toArray()),
                runs.stream().anyMatch(DrainMeasurement::capped),
                (long) Stats.median(runs.stream().mapToDouble(DrainMeasurement::acked).toArray()),
                Percentiles.median(runs.stream().map(DrainMeasurement::dequeue).toList()),
                Percentiles.median(runs.stream().map(DrainMeasurement::ack).toList()),
                runs.stream().mapToLong(DrainMeasurement::errors).sum(),
                runs.stream().mapToLong(DrainMeasurement::duplicates).sum(),
                runs.stream().mapToLong(DrainMeasurement::lost).sum(),
                Stats.median(runs.stream().mapToDouble(DrainMeasurement::commitsPerMessage).toArray()),
                Stats.median(runs.stream().mapToDouble(DrainMeasurement::walSyncsPerMessage).toArray()),
                Stats.median(ratios),
                ratios.length == 0 ? Double.NaN : java.util.Arrays.stream(ratios).min().orElse(Double.NaN),
                ratios.length == 0 ? Double.NaN : java.util.Arrays.stream(ratios).max().orElse(Double.NaN));
    }

    public DrainCell cell() {
        return new DrainCell(consumers, batch);
    }
}
