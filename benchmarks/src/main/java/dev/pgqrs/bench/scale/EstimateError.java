package dev.pgqrs.bench.scale;

import dev.pgqrs.QueueMetrics;

/** How far {@code estimatedMetrics()} landed from {@code metrics()}: the largest relative error of the big counts. */
final class EstimateError {

    private EstimateError() {
    }

    /** 0 when every count agrees; NaN when there was nothing to compare (no metrics calls). */
    static double of(QueueMetrics exact, QueueMetrics estimate) {
        if (exact == null || estimate == null) {
            return Double.NaN;
        }
        return Math.max(relative(exact.total(), estimate.total()),
                Math.max(relative(exact.pending(), estimate.pending()), relative(exact.archived(), estimate.archived())));
    }

    private static double relative(long exact, long estimate) {
        return exact == 0 ? (estimate == 0 ? 0 : 1) : Math.abs(estimate - exact) / (double) exact;
    }
}
