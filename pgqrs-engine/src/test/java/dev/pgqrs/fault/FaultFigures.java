package dev.pgqrs.fault;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one line a fault test prints at its end: what it did and what it found, e.g.
 * {@code FAULT-FIGURES crash/queue[postgres] form=short iterations=4 messages=812 lost=0 duplicated=3
 * redelivered=17 recovery_ms=2140}. It goes to stdout (the surefire report of the test) and is appended
 * to {@code target/fault-figures.txt}, so one run's figures can be read in one place.
 */
public final class FaultFigures {

    private static final Path FILE = Path.of("target", "fault-figures.txt");

    private final String test;
    private final Map<String, Object> values = new LinkedHashMap<>();

    private FaultFigures(String test) {
        this.test = test;
        values.put("form", FaultForm.current().label());
    }

    public static FaultFigures of(String test) {
        return new FaultFigures(test);
    }

    public FaultFigures iterations(long n) {
        return put("iterations", n);
    }

    public FaultFigures messages(long n) {
        return put("messages", n);
    }

    public FaultFigures lost(long n) {
        return put("lost", n);
    }

    public FaultFigures duplicated(long n) {
        return put("duplicated", n);
    }

    public FaultFigures redelivered(long n) {
        return put("redelivered", n);
    }

    public FaultFigures recoveryMillis(long millis) {
        return put("recovery_ms", millis);
    }

    public FaultFigures put(String name, Object value) {
        values.put(name, value);
        return this;
    }

    public String line() {
        StringBuilder b = new StringBuilder("FAULT-FIGURES ").append(test);
        values.forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
        return b.toString();
    }

    /** Prints the line and appends it to target/fault-figures.txt. */
    public String print() {
        String line = line();
        System.out.println(line);
        try {
            Files.createDirectories(FILE.getParent());
            Files.writeString(FILE, line + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.out.println("(could not append to " + FILE + ": " + e.getMessage() + ")");
        }
        return line;
    }
}
