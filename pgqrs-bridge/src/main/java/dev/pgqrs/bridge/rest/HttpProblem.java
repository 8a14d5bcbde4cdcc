package dev.pgqrs.bridge.rest;

/** A request the API refuses: its status and Kafka Connect's error message. */
final class HttpProblem extends RuntimeException {

    final int status;

    HttpProblem(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    static HttpProblem notFound(String connector) {
        return new HttpProblem(404, "Connector " + connector + " not found");
    }
}
