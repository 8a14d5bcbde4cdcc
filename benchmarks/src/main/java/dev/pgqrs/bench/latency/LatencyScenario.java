package dev.pgqrs.bench.latency;

import dev.pgqrs.bench.db.BenchDatabases;
import dev.pgqrs.bench.db.DatabaseSlot;
import dev.pgqrs.bench.report.ProgressBar;
import dev.pgqrs.config.Backend;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A steady producer at a fixed rate and one consumer: enqueue-to-processing latency, for each
 * wake-up mode (in-process signal, LISTEN/NOTIFY, polling only), pgqrs next to the floor using
 * the same mechanism by hand.
 */
public final class LatencyScenario {

    private final BenchDatabases databases;
    private final List<LatencyContender> contenders;
    private final LatencySettings settings;
    private final int repeats;
    private final ProgressBar progress;

    public LatencyScenario(BenchDatabases databases, List<LatencyContender> contenders, LatencySettings settings,
                           int repeats, ProgressBar progress) {
        this.databases = databases;
        this.contenders = contenders;
        this.settings = settings;
        this.repeats = repeats;
        this.progress = progress;
    }

    public static List<LatencyContender> allContenders() {
        return List.of(new FloorLatency(), new FloorLatency(true), new PgqrsLatency(), new PgqrsWorkerLatency());
    }

    public int plannedRuns(List<Backend> backends, List<Integer> rates) {
        int runs = 0;
        for (Backend b : backends) {
            for (WakeUp w : WakeUp.values()) {
                final WakeUp wakeUp = w;
                runs += rates.size() * repeats * (int) contenders.stream().filter(c -> c.supports(b, wakeUp)).count();
            }
        }
        return runs;
    }

    public List<LatencyMeasurement> run(List<Backend> backends, List<Integer> rates) throws Exception {
        List<LatencyMeasurement> all = new ArrayList<>();
        for (Backend backend : backends) {
            for (WakeUp wakeUp : WakeUp.values()) {
                List<LatencyContender> here = contenders.stream().filter(c -> c.supports(backend, wakeUp)).toList();
                for (int rate : rates) {
                    for (int repeat = 1; repeat <= repeats; repeat++) {
                        List<LatencyContender> order = new ArrayList<>(here);
                        Collections.rotate(order, -(repeat - 1));
                        for (LatencyContender contender : order) {
                            all.add(runOnce(backend, wakeUp, rate, contender, repeat));
                        }
                    }
                }
            }
        }
        return all;
    }

    LatencyMeasurement runOnce(Backend backend, WakeUp wakeUp, int rate, LatencyContender contender, int repeat)
            throws Exception {
        String label = "latency " + backend.name().toLowerCase() + " " + wakeUp.name().toLowerCase() + " " + rate + "/s "
                + contender.name() + " #" + repeat;
        long recorded = (long) (rate * settings.duration().toMillis() / 1000.0);
        progress.startRun(label, recorded);
        LatencyProbe probe = new LatencyProbe(progress);
        try (DatabaseSlot slot = databases.newSlot(backend, "lat_" + contender.name());
             LatencyContender.Session session = contender.open(slot, wakeUp, settings)) {
            List<SteadyProducer.Sender> senders = session.senders(settings.producers());
            AtomicBoolean stop = new AtomicBoolean();
            Thread consumer = new Thread(() -> {
                try {
                    session.consume(probe, stop::get);
                } catch (Exception e) {
                    probe.error(e);
                }
            }, "latency-consumer");
            consumer.start();
            long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
            long recordFrom = start + settings.warmUp().toNanos();
            long end = recordFrom + settings.duration().toNanos();
            probe.recordFrom(recordFrom);
            SteadyProducer.run(settings.producers(), rate, start, end, senders, probe);
            stop.set(true);
            consumer.join(TimeUnit.SECONDS.toMillis(30));
            if (consumer.isAlive()) {
                consumer.interrupt();
                probe.error(new IllegalStateException("consumer did not catch up within 30 s after the producer stopped"));
            }
            double achieved = probe.achievedRate();
            if (probe.errors() > 0 || probe.receivedCount() < probe.sentCount()) {
                progress.println("  ! " + label + ": sent " + probe.sentCount() + ", received " + probe.receivedCount()
                        + ", errors " + probe.errors() + (probe.firstError() != null ? ", first: " + probe.firstError() : ""));
            }
            return new LatencyMeasurement(backend.name().toLowerCase(), wakeUp.name().toLowerCase(), rate,
                    contender.name(), repeat, probe.sentCount(), probe.receivedCount(), achieved,
                    probe.latency().percentiles(), probe.errors(), probe.firstError());
        }
    }
}
