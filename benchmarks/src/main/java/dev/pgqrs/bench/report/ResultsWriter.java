package dev.pgqrs.bench.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes a scenario's results: tables on stdout and as Markdown, JSON, SVG charts, in one directory. */
public final class ResultsWriter {

    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private final Path directory;
    private final PrintStream console;

    public ResultsWriter(Path directory, PrintStream console) {
        this.directory = directory;
        this.console = console;
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create results directory " + directory, e);
        }
    }

    public Path directory() {
        return directory;
    }

    public static ObjectMapper json() {
        return JSON;
    }

    /** Prints the tables and writes them to {@code NAME.md}, under a heading and the machine description. */
    public void tables(String name, String heading, String preamble, MachineInfo machine, String command, List<ResultTable> tables) {
        StringBuilder md = new StringBuilder("## ").append(heading).append("\n\n");
        if (preamble != null && !preamble.isBlank()) {
            md.append(preamble).append("\n\n");
        }
        md.append("Command: `").append(command).append("`\n\n");
        md.append(machine.toMarkdown()).append('\n');
        for (ResultTable t : tables) {
            console.println();
            console.print(t.toText());
            md.append(t.toMarkdown()).append('\n');
        }
        write(name + ".md", md.toString());
    }

    public void json(String name, Object root) {
        try {
            Files.writeString(directory.resolve(name + ".json"), JSON.writeValueAsString(root));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + name + ".json", e);
        }
    }

    public ObjectNode newJson() {
        return JSON.createObjectNode();
    }

    public void svg(String name, String svg) {
        write(name + ".svg", svg);
    }

    private void write(String file, String content) {
        try {
            Files.writeString(directory.resolve(file), content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
