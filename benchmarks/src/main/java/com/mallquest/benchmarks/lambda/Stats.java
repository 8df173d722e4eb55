package com.mallquest.benchmarks.lambda;

import java.util.Arrays;
import java.util.List;

/** Sorted samples in milliseconds, and the ways the table shows them. */
record Stats(double[] sorted) {

    static Stats of(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        return new Stats(v);
    }

    double quantile(double q) {
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    double median() {
        return quantile(0.5);
    }

    /** {@code median (min–max)}, the spread of a few runs. */
    String spread() {
        return String.format("%.0f ms (%.0f–%.0f)", median(), sorted[0], sorted[sorted.length - 1]);
    }

    String p50p99() {
        return String.format("%.2f / %.2f ms", median(), quantile(0.99));
    }
}
