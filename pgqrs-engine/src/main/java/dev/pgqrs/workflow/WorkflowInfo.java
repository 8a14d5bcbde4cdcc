package dev.pgqrs.workflow;

import java.time.Instant;

/** A workflow definition as stored ({@code pgqrs_workflows}): its name, the queue of its runs, when it was created. */
public record WorkflowInfo(long id, String name, String queue, Instant createdAt) {
}
