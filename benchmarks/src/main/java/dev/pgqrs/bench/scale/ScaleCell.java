package dev.pgqrs.bench.scale;

/** A queue's size before the measurement: archived rows of its history and pending rows of its backlog. */
public record ScaleCell(long history, long backlog) {

    public boolean fresh() {
        return history == 0 && backlog == 0;
    }

    public String label() {
        return "history " + count(history) + ", backlog " + count(backlog);
    }

    private static String count(long n) {
        return n >= 1_000_000 ? n / 1_000_000 + " M" : n >= 1_000 ? n / 1_000 + " k" : String.valueOf(n);
    }
}
