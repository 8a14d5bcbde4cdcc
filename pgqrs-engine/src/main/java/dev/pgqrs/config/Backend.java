package dev.pgqrs.config;

/** The database families pgqrs runs on. */
public enum Backend {
    POSTGRES,
    SQLITE
}
