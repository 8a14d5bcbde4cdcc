package dev.pgqrs.testing;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/** A PostgreSQL in a container, where a Docker engine answers. */
final class ContainerPostgres {

    private ContainerPostgres() {
    }

    /** Returns null when Docker does not actually answer, so the caller falls back to embedded. */
    static PostgresServer start() {
        try {
            if (!DockerClientFactory.instance().isDockerAvailable()) {
                return null;
            }
            PostgreSQLContainer pg = new PostgreSQLContainer("postgres:16-alpine")
                    .withCommand("postgres", "-c", "max_connections=300", "-c", "fsync=off");
            pg.start();
            Runtime.getRuntime().addShutdownHook(new Thread(pg::stop));
            return PostgresServer.of(pg.getJdbcUrl(), pg.getUsername(), pg.getPassword(), "Testcontainers " + pg.getJdbcUrl());
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }
}
