package dev.pgqrs.examples.admin;

/** A request the admin API refuses, with its status (400 bad input, 404 no such thing, 409 not in a state that allows it). */
final class AdminProblem extends RuntimeException {

    final int status;

    AdminProblem(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    static AdminProblem badRequest(String message) {
        return new AdminProblem(400, message);
    }

    static AdminProblem notFound(String message) {
        return new AdminProblem(404, message);
    }

    static AdminProblem conflict(String message) {
        return new AdminProblem(409, message);
    }
}
