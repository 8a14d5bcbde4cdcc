package dev.pgqrs.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The machine a run happened on, recorded next to its figures: without it a number means little.
 *
 * @param loadAverage the 1/5/15-minute load averages when the run started (others' builds share the cores)
 */
public record MachineInfo(String startedAt, int cores, String memory, String cpuModel, String os, String jdk,
                          String postgres, String postgresSettings, String sqlite, String loadAverage) {

    public static MachineInfo describe(String postgresVersion, String postgresSettings, String sqliteVersion) {
        return new MachineInfo(Instant.now().toString(), Runtime.getRuntime().availableProcessors(), readMemory(), readCpuModel(),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                postgresVersion, postgresSettings, sqliteVersion, currentLoadAverage());
    }

    public static String currentLoadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String readCpuModel() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            return lines.stream().filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String readMemory() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                    .findFirst().map(l -> {
                        long kb = Long.parseLong(l.replaceAll("[^0-9]", ""));
                        return String.format(Locale.ROOT, "%.1f GiB", kb / 1024.0 / 1024.0);
                    }).orElse("unknown");
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    public String toMarkdown() {
        return "| | |\n|---|---|\n"
                + "| started | " + startedAt + " |\n"
                + "| CPU | " + cpuModel + ", " + cores + " cores visible to the JVM |\n"
                + "| memory | " + memory + " |\n"
                + "| OS | " + os + " |\n"
                + "| JDK | " + jdk + " |\n"
                + "| PostgreSQL | " + postgres + " (" + postgresSettings + ") |\n"
                + "| SQLite | " + sqlite + " (WAL, synchronous=NORMAL) |\n"
                + "| load average at start | " + loadAverage + " |\n";
    }
}
