package dev.pgqrs;

/** What one reaper pass did: workers declared dead, and their messages made visible again. */
public record ReapResult(int workers, int messages) {

    public static final ReapResult NONE = new ReapResult(0, 0);
}
