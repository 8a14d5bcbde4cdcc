package dev.pgqrs.bridge.store;

/**
 * The state an operator asked a connector to be in, stored with it so every instance converges to it
 * (and a restarted instance comes back to it). As Kafka Connect's target states.
 */
public enum TargetState {
    /** Its routes run. */
    RUNNING,
    /** Its routes are suspended: consumers stop fetching, HTTP sources answer 503; nothing is torn down. */
    PAUSED,
    /** Its routes are stopped and hold nothing; the definition stays. */
    STOPPED
}
