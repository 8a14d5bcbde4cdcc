package dev.pgqrs.bench.steady;

/** One cell of the steady-state matrix: consumers, messages per enqueue call, messages per dequeue call. */
public record SteadyCell(int consumers, int enqueueBatch, int dequeueBatch) {

    public String label() {
        return "c=" + consumers + " e=" + enqueueBatch + " d=" + dequeueBatch;
    }
}
