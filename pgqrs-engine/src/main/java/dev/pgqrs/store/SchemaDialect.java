package dev.pgqrs.store;

import java.sql.Connection;
import java.util.List;

/**
 * The part of a {@link Dialect} that concerns the schema, never the hot path: how the catalog is
 * read, how a migration script runs, the DDL of the two migration record tables, and what a current
 * database holds on this backend. {@link SchemaMigrator}, {@link OriginalMigrations} and
 * {@link SchemaVerifier} are written once over it.
 */
public interface SchemaDialect {

    /** The catalog of what the connection sees (the configured PostgreSQL schema, or the SQLite file). */
    SchemaCatalog catalog(Connection c);

    /** A migration script's statements, in order, each to run with one {@code execute}. */
    List<String> scriptStatements(String script);

    /** Creates {@code pgqrs_java_migrations}, this edition's record of applied versions, if missing. */
    String createMigrationsTable();

    /** Creates {@code _sqlx_migrations}, the original's records, if missing, as sqlx creates it on this backend. */
    String createOriginalMigrationsTable();

    /** The original's migration files on this backend, per release family, and the set a Java install records. */
    OriginalMigrations.Releases originalReleases();

    /** The indexes, enum types and foreign keys of a current database on this backend. */
    SharedSchema.Layout sharedLayout();
}
