package dev.pgqrs.bench.drain;

/** One cell of the drain matrix: how many consumers, how many messages each fetches at a time. */
public record DrainCell(int consumers, int batch) {

    public DrainCell {
        if (consumers < 1 || batch < 1) {
            throw new IllegalArgumentException("consumers and batch must be at least 1, were " + consumers + ", " + batch);
        }
    }

    public String label() {
        return "c=" + consumers + " b=" + batch;
    }
}
