package com.mallquest.core.domain.earning;

/**
 * One reason a credit earned what it did: the base rule or one campaign ("2× weekend at Zara: +125").
 *
 * @param source     {@value #BASE} or the campaign's id
 * @param label      what the shopper reads: "Base" or the campaign's name
 * @param coins      the coins of this line
 * @param xp         the XP of this line
 */
public record EarningLine(String source, String label, long coins, long xp) {
    /** The source of the base rule's line. */
    public static final String BASE = "base";

    /** True for the base rule's line. */
    public boolean base() {
        return BASE.equals(source);
    }
}
