package dev.pgqrs.checkpoint;

/**
 * The recorded result of a completed durable step.
 *
 * @param runKey   the durable run ("message:42", "workflow-run:7", or an application key)
 * @param stepName the step, unique within its run
 * @param bodyType how {@code body} is encoded (chosen by the integration that recorded it)
 * @param body     the recorded body, as text (may be null)
 * @param headers  recorded headers as a JSON object (may be null)
 */
public record Checkpoint(String runKey, String stepName, String bodyType, String body, String headers) {
}
