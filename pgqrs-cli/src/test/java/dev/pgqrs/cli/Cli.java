package dev.pgqrs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgqrs.testing.TestBackend;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs the pgqrs command in this JVM, as {@code main} would, capturing what it prints and its exit status. */
final class Cli {

    private final TestBackend backend;
    private final Map<String, String> environment = new HashMap<>();
    private boolean interactive;

    private Cli(TestBackend backend) {
        this.backend = backend;
    }

    /** The command pointed at the test's database by its global options. */
    static Cli on(TestBackend backend) {
        return new Cli(backend);
    }

    /** The command with no database named: the test says where, or that nowhere. */
    static Cli bare() {
        return new Cli(null);
    }

    Cli env(String name, String value) {
        environment.put(name, value);
        return this;
    }

    /** As if the standard error were a terminal. */
    Cli interactive() {
        this.interactive = true;
        return this;
    }

    /** The global options naming the backend's database. */
    static List<String> target(TestBackend backend) {
        List<String> args = new ArrayList<>(List.of("--dsn", backend.dsn()));
        if (backend.schema() != null) {
            args.addAll(List.of("--schema", backend.schema()));
        }
        return args;
    }

    Result run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (backend != null) {
            all.addAll(target(backend));
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = PgqrsCommand.commandLine(environment, interactive);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int status = cli.execute(all.toArray(String[]::new));
        return new Result(status, out.toString(), err.toString());
    }

    /** Runs with {@code --format json} and fails unless the command succeeded; answers its document. */
    JsonNode json(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--format", "json"));
        Result r = run(all.toArray(String[]::new));
        if (r.status() != 0) {
            throw new AssertionError("pgqrs " + String.join(" ", args) + " exited " + r.status() + ": " + r.err());
        }
        return r.json();
    }

    record Result(int status, String out, String err) {

        private static final ObjectMapper JSON = new ObjectMapper();

        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (Exception e) {
                throw new AssertionError("not one JSON document: " + out, e);
            }
        }
    }
}
