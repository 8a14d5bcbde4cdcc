package dev.pgqrs.bridge.connect;

/**
 * The route node where an exchange's exception was thrown: what names the {@code stage} of a dead-letter
 * record. A failure at a node that sends to an endpoint ({@code to}, a Kamelet sink) is Kafka Connect's
 * {@code TASK_PUT}; at any other step {@code TRANSFORMATION}; with no node at all (the consumer itself)
 * {@code TASK_POLL}.
 */
record FailedNode(String type, String id, Throwable error) {

    static final String PROPERTY = "PgqrsBridgeFailedNode";

    private static final java.util.Set<String> SENDING = java.util.Set.of("to", "toD", "enrich", "pollEnrich",
            "wireTap", "kamelet", "sink");

    static String stage(FailedNode node) {
        if (node == null) {
            return "TASK_POLL";
        }
        return SENDING.contains(node.type()) ? "TASK_PUT" : "TRANSFORMATION";
    }
}
