package dev.pgqrs.checkpoint;

/**
 * The recorded result of a completed durable step.
 *
 * @param runKey    the durable run ("message:42", or an application key)
 * @param messageId the message whose delivery recorded it (the checkpoint is deleted with that
 *                  message), or null when the step did not run for a consumed message
 * @param stepName  the step, unique within its run
 * @param bodyType  how {@code body} is encoded (chosen by the integration that recorded it)
 * @param body      the recorded body, as text (may be null)
 * @param headers   recorded headers as a JSON object (may be null)
 */
public record Checkpoint(String runKey, Long messageId, String stepName, String bodyType, String body, String headers) {
}
