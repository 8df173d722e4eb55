package com.mallquest.core.domain.gamification;

import com.mallquest.core.platform.errors.DomainException;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The time ranges a leaderboard covers: an ISO week (UTC), a calendar month (UTC), or all time. */
public enum Period {
    WEEK, MONTH, ALL;

    /** The name in paths, e.g. {@code /leaderboards/week}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The period named in a path; 400 {@code invalid_field} ({@code period}) for any other word. */
    public static Period fromWireName(String name) {
        for (Period period : values()) {
            if (period.wireName().equals(name)) {
                return period;
            }
        }
        throw DomainException.invalid("period", "period must be one of "
                + Arrays.stream(values()).map(Period::wireName).collect(Collectors.joining(", ")));
    }
}
