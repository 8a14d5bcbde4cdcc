package dev.pgqrs.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A file of newline-delimited JSON: one payload per line, blank lines skipped. It is read twice: once to check
 * that every line is JSON and count them (so a bad line sends nothing), once to send it in batches.
 */
final class NdjsonFile {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One batch of payloads and the line number of its first one. */
    record Batch(long firstLine, long lastLine, List<String> payloads) {
    }

    interface BatchSink {
        void accept(Batch batch);
    }

    private final String name;
    private final Supplier<InputStream> open;

    private NdjsonFile(String name, Supplier<InputStream> open) {
        this.name = name;
        this.open = open;
    }

    static NdjsonFile of(Path path) {
        return new NdjsonFile(path.toString(), () -> {
            try {
                return Files.newInputStream(path);
            } catch (NoSuchFileException e) {
                throw new IllegalArgumentException("file '" + path + "' does not exist");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read '" + path + "': " + e.getMessage(), e);
            }
        });
    }

    /** Checks every line and answers how many payloads the file holds. */
    long check() {
        long count = 0;
        try (BufferedReader in = reader()) {
            long number = 0;
            for (String line; (line = in.readLine()) != null; ) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    JSON.readTree(line);
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException("'" + name + "' line " + number + " is not JSON ("
                            + e.getOriginalMessage() + "); nothing was sent");
                }
                count++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read '" + name + "': " + e.getMessage(), e);
        }
        return count;
    }

    /** Hands the payloads to {@code sink} in batches of {@code size}, in file order. */
    void read(int size, BatchSink sink) {
        try (BufferedReader in = reader()) {
            List<String> batch = new ArrayList<>(size);
            long number = 0;
            long first = 0;
            for (String line; (line = in.readLine()) != null; ) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                if (batch.isEmpty()) {
                    first = number;
                }
                batch.add(line);
                if (batch.size() == size) {
                    sink.accept(new Batch(first, number, List.copyOf(batch)));
                    batch.clear();
                }
            }
            if (!batch.isEmpty()) {
                sink.accept(new Batch(first, number, List.copyOf(batch)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read '" + name + "': " + e.getMessage(), e);
        }
    }

    String name() {
        return name;
    }

    private BufferedReader reader() {
        return new BufferedReader(new InputStreamReader(open.get(), StandardCharsets.UTF_8));
    }
}
