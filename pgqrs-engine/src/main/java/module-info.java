/**
 * pgqrs for Java: a durable job queue and durable workflows on PostgreSQL or SQLite.
 *
 * <p>The API is {@code dev.pgqrs} (stores, queues, producers, consumers, queue workers, dead letters,
 * workers, administration), {@code dev.pgqrs.config}, {@code dev.pgqrs.workflow} and
 * {@code dev.pgqrs.checkpoint} and {@code dev.pgqrs.metrics}. Everything else (the store and its dialects, wake-ups, worker rows, the
 * payload rules, maintenance) is internal and not exported.
 */
module dev.pgqrs.engine {
    requires transitive java.sql;
    requires java.management;
    requires transitive com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.datatype.jsr310;
    requires com.fasterxml.jackson.dataformat.yaml;
    requires com.zaxxer.hikari;
    requires org.postgresql.jdbc;
    requires org.xerial.sqlitejdbc;
    requires transitive org.slf4j;
    requires com.cronutils;
    // Optional: the meters need Micrometer, the trace context OpenTelemetry's API; the rest of the engine neither.
    requires static micrometer.core;
    requires static io.opentelemetry.api;
    requires static io.opentelemetry.context;

    exports dev.pgqrs;
    exports dev.pgqrs.config;
    exports dev.pgqrs.workflow;
    exports dev.pgqrs.checkpoint;
    exports dev.pgqrs.metrics;
}
