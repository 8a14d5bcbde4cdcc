package dev.pgqrs;

/**
 * What one retention pass deleted.
 *
 * @param messages archived messages deleted (messages of workflow runs not included)
 * @param runs     finished workflow runs deleted, with their steps, events and messages
 */
public record RetentionResult(long messages, long runs) {
}
