package com.mallquest.benchmarks.lambda;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/** The printed result: one row per figure, one column per side, and the goal. */
final class ResultTable {
    private final List<Side> sides;
    private final List<List<String>> rows = new ArrayList<>();

    ResultTable(List<Side> sides) {
        this.sides = sides;
    }

    /** A row whose cells are {@code cell} of each side. */
    void row(String figure, Function<Side, String> cell, String goal) {
        List<String> row = new ArrayList<>();
        row.add(figure);
        sides.forEach(side -> row.add(cell.apply(side)));
        row.add(goal);
        rows.add(row);
    }

    void print(Consumer<String> out) {
        List<String> header = new ArrayList<>();
        header.add("figure");
        sides.forEach(side -> header.add(side.label()));
        header.add("goal");
        out.accept("");
        out.accept("| " + String.join(" | ", header) + " |");
        out.accept("|" + "---|".repeat(header.size()));
        rows.forEach(r -> out.accept("| " + String.join(" | ", r) + " |"));
    }
}
