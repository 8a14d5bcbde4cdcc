package dev.pgqrs.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/** The original's capacity knee: the steady state over consumers 1, 2, 4, 8 × enqueue batch × dequeue batch. */
@Command(name = "knee", mixinStandardHelpOptions = true,
        description = "The original's capacity knee: the steady state for consumers × enqueue batch × dequeue batch; "
                + "consumed msg/s by consumer count shows where adding consumers stops helping.")
final class KneeCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Option(names = "--consumers", split = ",", defaultValue = "1,2,4,8", description = "Default: ${DEFAULT-VALUE}")
    List<Integer> consumers;

    @Option(names = "--enqueue-batch", split = ",", defaultValue = "1,10", description = "Default: ${DEFAULT-VALUE}")
    List<Integer> enqueueBatches;

    @Option(names = "--dequeue-batch", split = ",", defaultValue = "1,10,50", description = "Default: ${DEFAULT-VALUE}")
    List<Integer> dequeueBatches;

    @Option(names = "--producers", defaultValue = "1", description = "Default: ${DEFAULT-VALUE}")
    int producers;

    @Option(names = "--seconds", defaultValue = "10", description = "Length of one measured run. Default: ${DEFAULT-VALUE}")
    int seconds;

    @Option(names = "--warmup-seconds", defaultValue = "5", description = "One unrecorded run per backend. Default: ${DEFAULT-VALUE}")
    int warmupSeconds;

    @Override
    public Integer call() throws Exception {
        return SteadyCommand.run(common, consumers, enqueueBatches, dequeueBatches, producers, seconds, warmupSeconds,
                "knee", "Capacity knee (steady state over consumers × batch sizes)");
    }
}
