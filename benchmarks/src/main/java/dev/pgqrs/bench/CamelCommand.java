package dev.pgqrs.bench;

import dev.pgqrs.bench.drain.CamelPgqrsDrain;
import dev.pgqrs.bench.drain.CamelSqlDrain;
import dev.pgqrs.bench.drain.DrainContender;
import dev.pgqrs.bench.drain.FloorDrain;
import dev.pgqrs.bench.drain.PgqrsDrain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "camel", mixinStandardHelpOptions = true,
        description = "The drain through a from(\"pgqrs:...\") route: the Camel component's cost over the raw engine, "
                + "next to the floor and to camel-sql (acking per row and per poll).")
final class CamelCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Mixin
    DrainMatrixOptions matrix;

    @Override
    public Integer call() throws Exception {
        List<DrainContender> contenders = List.of(new FloorDrain(), new PgqrsDrain(), new CamelPgqrsDrain(), new CamelSqlDrain(),
                new CamelSqlDrain(true));
        return DrainCommand.run(common, matrix, contenders, "camel", "camel-pgqrs", "Camel (the drain through a pgqrs: route)");
    }
}
