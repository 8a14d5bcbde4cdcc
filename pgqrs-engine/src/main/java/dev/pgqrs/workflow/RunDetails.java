package dev.pgqrs.workflow;

import java.util.List;
import java.util.Optional;

/** A run with its steps, in the order they were first recorded. */
public record RunDetails(RunInfo run, List<StepInfo> steps) {

    public Optional<StepInfo> step(String name) {
        return steps.stream().filter(s -> s.name().equals(name)).findFirst();
    }
}
