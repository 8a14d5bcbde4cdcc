package dev.pgqrs.bench;

import dev.pgqrs.bench.drain.CamelPgqrsDrain;
import dev.pgqrs.bench.drain.CamelSqlDrain;
import dev.pgqrs.bench.drain.DrainContender;
import dev.pgqrs.bench.drain.FloorDrain;
import dev.pgqrs.bench.drain.PgqrsDrain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "camel", mixinStandardHelpOptions = true,
        description = "The drain through a from(\"pgqrs:...\") route: the Camel component's cost over the raw engine, "
                + "with its acknowledgements piggybacked on the next poll or not, next to the floor and to camel-sql "
                + "(acking per row and per poll).")
final class CamelCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Mixin
    DrainMatrixOptions matrix;

    @Option(names = "--contenders", split = ",",
            description = "Subset to run (floor always runs): pgqrs, camel-pgqrs, camel-pgqrs-piggyback, camel-pgqrs-separate, "
                    + "camel-sql, camel-sql-batch")
    List<String> only;

    @Override
    public Integer call() throws Exception {
        List<DrainContender> contenders = List.<DrainContender>of(new FloorDrain(), new PgqrsDrain(), new CamelPgqrsDrain(),
                        new CamelPgqrsDrain(true), new CamelPgqrsDrain(false), new CamelSqlDrain(), new CamelSqlDrain(true))
                .stream().filter(c -> only == null || c.name().equals("floor") || only.contains(c.name())).toList();
        return DrainCommand.run(common, matrix, contenders, "camel", "camel-pgqrs", "Camel (the drain through a pgqrs: route)");
    }
}
