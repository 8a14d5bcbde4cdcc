package dev.pgqrs.bench.drain;

import dev.pgqrs.bench.db.DatabaseSlot;
import dev.pgqrs.config.Backend;

/**
 * One way of draining a backlog: pgqrs itself, the hand-written floor, or a peer. A contender
 * prefills a fresh slot (untimed) and then drains it under a {@link DrainProbe}.
 */
public interface DrainContender {

    /** Short name used in tables, JSON and charts. */
    String name();

    /** One sentence on what exactly it runs, for the report. */
    String description();

    boolean supports(Backend backend);

    /** Creates this contender's tables in the slot and fills them with {@code settings.messages()} messages. */
    PreparedDrain prepare(DatabaseSlot slot, DrainCell cell, DrainSettings settings) throws Exception;

    /** A prefilled slot, ready to be drained once. */
    interface PreparedDrain extends AutoCloseable {

        /**
         * Drains until every message is acknowledged or the probe's time is up; starts the probe's
         * clock when its consumers are released and stops it after the last acknowledgement.
         */
        void drain(DrainProbe probe) throws Exception;

        /** Messages left unacknowledged in the database. */
        long remaining() throws Exception;

        /** Closes every connection, so the server reports this run's statistics. */
        @Override
        void close() throws Exception;
    }
}
