package dev.pgqrs.cli;

import dev.pgqrs.Pgqrs;
import dev.pgqrs.Store;
import dev.pgqrs.config.ConfigLoader;
import dev.pgqrs.config.PgqrsConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code pgqrs} command: its global options (where the store is, how to print) and its command groups.
 * One invocation opens one store, runs one command on it and closes it.
 */
@Command(name = "pgqrs", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, versionProvider = PgqrsCommand.Version.class,
        description = "Operate a pgqrs store: schema, queues, messages, dead letters, workers, workflow runs, schedules.",
        subcommands = {AdminCommands.class, QueueCommands.class, MessageCommands.class, WorkerCommands.class,
                WorkflowCommands.class, ScheduleCommands.class},
        footer = {"", "Exit status: 0 done, 1 the command failed, 2 the command line was wrong."})
public final class PgqrsCommand {

    @Spec
    CommandSpec spec;

    @Option(names = "--dsn", scope = ScopeType.INHERIT, paramLabel = "DSN",
            description = "postgres://user:pass@host:5432/db or sqlite:PATH (default: PGQRS_DSN, then the config file)")
    String dsn;

    @Option(names = "--schema", scope = ScopeType.INHERIT, paramLabel = "SCHEMA",
            description = "PostgreSQL schema of the pgqrs tables (default: PGQRS_SCHEMA, then public)")
    String schema;

    @Option(names = "--config", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "a pgqrs.yaml (default: PGQRS_CONFIG_FILE, then ./pgqrs.yaml if present)")
    Path config;

    @Option(names = "--format", scope = ScopeType.INHERIT, paramLabel = "FORMAT", defaultValue = "table",
            description = "table or json (one JSON document per command; lists are arrays)")
    Output.Format format;

    private final Map<String, String> environment;
    private final boolean interactive;

    /**
     * @param environment the variables to read ({@code PGQRS_*})
     * @param interactive whether the standard error is a terminal (a progress bar is drawn there)
     */
    public PgqrsCommand(Map<String, String> environment, boolean interactive) {
        this.environment = Map.copyOf(environment);
        this.interactive = interactive;
    }

    public static void main(String[] args) {
        CommandLine cli = commandLine(System.getenv(), System.console() != null);
        System.exit(cli.execute(args));
    }

    /** The command line, ready to {@code execute}: errors become one line on the standard error and an exit status. */
    public static CommandLine commandLine(Map<String, String> environment, boolean interactive) {
        PgqrsCommand root = new PgqrsCommand(environment, interactive);
        CommandLine cli = new CommandLine(root);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println("pgqrs: " + root.errorLine(e));
            line.getErr().flush();
            return 1;
        });
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine line = e.getCommandLine();
            line.getErr().println("pgqrs: " + root.redact(e.getMessage()) + " (see '"
                    + line.getCommandSpec().qualifiedName() + " --help')");
            line.getErr().flush();
            return line.getCommandSpec().exitCodeOnInvalidInput();
        });
        return cli;
    }

    /** Opens the store the global options name; the caller closes it. */
    Store openStore() {
        PgqrsConfig.Builder builder = configuration();
        if (builder.build().dsn() == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "no store given: pass --dsn, set PGQRS_DSN, or name a config file with a dsn");
        }
        return Pgqrs.connect(builder.build());
    }

    private PgqrsConfig.Builder configuration() {
        Map<String, String> env = new HashMap<>(environment);
        if (config != null) {
            env.put(ConfigLoader.CONFIG_FILE_VARIABLE, config.toString());
        }
        PgqrsConfig.Builder builder = ConfigLoader.load(env, Path.of("pgqrs.yaml"));
        if (dsn != null) {
            builder.dsn(dsn);
        }
        if (schema != null) {
            builder.schema(schema);
        }
        // A command is one short session: no background maintenance, no listener, a small pool.
        return builder.maintenance(false).notifications(false).maxConnections(2);
    }

    /** What a command does with the store; answers the exit status. */
    interface StoreWork {
        int run(Store store, Output out);
    }

    /** Runs one command on a store opened for it. */
    int run(StoreWork work) {
        try (Store store = openStore()) {
            return work.run(store, output());
        }
    }

    /** A command's failure that still printed its answer: one line on the standard error, exit status 1. */
    int fail(String message) {
        err().println("pgqrs: " + redact(message));
        err().flush();
        return 1;
    }

    Output output() {
        return new Output(format, spec.commandLine().getOut());
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    boolean interactive() {
        return interactive;
    }

    private String errorLine(Exception e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            message = e.getClass().getSimpleName();
        }
        return redact(message.replace('\n', ' ').replace('\r', ' '));
    }

    /** The store's own messages are redacted already; this covers what other code may have quoted. */
    String redact(String text) {
        return SecretRedaction.of(dsn != null ? dsn : environment.get("PGQRS_DSN")).apply(text);
    }

    /** The engine's version, from the jar's manifest when built. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = PgqrsCommand.class.getPackage().getImplementationVersion();
            return new String[] {"pgqrs " + (v == null ? "0.1.0-SNAPSHOT" : v) + " (pgqrs for Java)"};
        }
    }
}
