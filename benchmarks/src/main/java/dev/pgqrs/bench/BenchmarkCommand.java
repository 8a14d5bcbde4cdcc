package dev.pgqrs.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar benchmarks.jar <scenario> [options]}: runs a scenario, prints its tables and
 * writes JSON, Markdown and SVG results. {@code --help} on any scenario lists its options.
 */
@Command(name = "benchmarks", mixinStandardHelpOptions = true,
        description = "pgqrs benchmarks: every figure next to a baseline measured in the same run",
        subcommands = {DrainCommand.class, LatencyCommand.class, WorkflowCommand.class, CamelCommand.class,
                SteadyCommand.class, KneeCommand.class, ScaleCommand.class, RetentionCommand.class})
public final class BenchmarkCommand implements Runnable {

    private static String[] arguments = new String[0];

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code (0: results written, every message accounted for). */
    public static int execute(String... args) {
        arguments = args.clone();
        return new CommandLine(new BenchmarkCommand()).execute(args);
    }

    /** The command as typed, for the results ("java -jar benchmarks.jar drain --backend postgres"). */
    static String commandLine() {
        return "java -jar benchmarks/target/benchmarks.jar " + String.join(" ", arguments);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
