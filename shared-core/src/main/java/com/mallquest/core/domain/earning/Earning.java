package com.mallquest.core.domain.earning;

import java.util.List;

/**
 * What one purchase earns: whole coins and XP, and the lines that add up to them (the base rule first, then each
 * campaign: see {@link EarningRules}).
 */
public record Earning(long coins, long xp, List<EarningLine> lines) {

    public Earning {
        lines = List.copyOf(lines);
        if (lines.stream().mapToLong(EarningLine::coins).sum() != coins || lines.stream().mapToLong(EarningLine::xp).sum() != xp) {
            throw new IllegalArgumentException("the lines " + lines + " do not add up to " + coins + " coins and " + xp + " XP");
        }
    }

    /** The base rule's earning alone: one line. */
    public Earning(long coins, long xp) {
        this(coins, xp, List.of(new EarningLine(EarningLine.BASE, "Base", coins, xp)));
    }

    /** The lines of campaigns (all but the base). */
    public List<EarningLine> bonuses() {
        return lines.stream().filter(line -> !line.base()).toList();
    }
}
