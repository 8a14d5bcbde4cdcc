package dev.pgqrs.bridge.store;

import java.util.Map;

/**
 * A connector as stored: its configuration, the state it should be in, and counters every instance
 * compares with what it runs.
 *
 * @param version      bumped by every change of the configuration: instances reload the connector when it moves
 * @param restartEpoch bumped by every restart request: instances restart their routes of it when it moves
 * @param restartOnlyFailed whether the last restart request was for failed routes only
 * @param origin       {@code folder:FILE} for a connector read from the designs folder, null for one made over REST
 * @param originHash   the hash of the folder file last applied (the folder wins only when the file changed)
 */
public record ConnectorRecord(String name, Map<String, String> config, TargetState targetState, long version,
                              long restartEpoch, boolean restartOnlyFailed, String origin, String originHash,
                              long createdAt, long updatedAt) {
}
