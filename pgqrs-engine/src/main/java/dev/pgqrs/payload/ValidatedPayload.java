package dev.pgqrs.payload;

/** A payload that passed validation, as the JSON text that will be stored. */
public record ValidatedPayload(String json) {
}
