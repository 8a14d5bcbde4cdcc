package dev.pgqrs.fault;

import java.util.Locale;

/**
 * Which form of the fault suite runs: the short form of every {@code mvn verify}, or the soak
 * ({@code mvn -B verify -Psoak}, which sets the system property {@code pgqrs.fault.form=soak}). Tests
 * pick their sizes from it: the same test, more iterations, messages and time.
 */
public enum FaultForm {
    SHORT,
    SOAK;

    public static FaultForm current() {
        String form = System.getProperty("pgqrs.fault.form", "short").trim();
        if (form.isEmpty() || form.startsWith("${")) {
            return SHORT; // run from an IDE, or without the property set
        }
        try {
            return valueOf(form.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("pgqrs.fault.form must be 'short' or 'soak', was '" + form + "'");
        }
    }

    public int pick(int shortForm, int soak) {
        return this == SOAK ? soak : shortForm;
    }

    public long pick(long shortForm, long soak) {
        return this == SOAK ? soak : shortForm;
    }

    public <T> T pick(T shortForm, T soak) {
        return this == SOAK ? soak : shortForm;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
