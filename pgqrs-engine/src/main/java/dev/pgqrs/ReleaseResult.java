package dev.pgqrs;

import java.util.List;

/**
 * Outcome of releasing leased messages: {@code released} are visible again (after any delay);
 * {@code deadLettered} had reached the delivery limit and moved to the dead-letter state instead.
 * Ids the caller did not own (any more) are in neither list.
 */
public record ReleaseResult(List<Long> released, List<Long> deadLettered) {
}
