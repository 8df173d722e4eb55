package com.mallquest.core.domain.gamification;

import com.mallquest.core.platform.errors.DomainException;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One concrete period of a leaderboard: the ISO week {@code 2026-W49}, the month {@code 2026-12}, or {@code all}.
 * Weeks and months are in UTC: a week runs from Monday 00:00:00Z to the next Monday 00:00:00Z (exclusive).
 *
 * <p>Ties on a board are broken by who reached the score first, counted in ticks from the period's start:
 * seconds for a week or a month, minutes since {@link #ALL_TIME_ORIGIN} for all time (2^25 minutes last
 * 63 years; see {@link com.mallquest.core.platform.cache.RankedScore}).
 *
 * @param period the kind of period
 * @param label  {@code 2026-W49}, {@code 2026-12} or {@code all}
 * @param start  the first instant (for all time: {@link #ALL_TIME_ORIGIN})
 * @param end    the first instant after the period; null for all time
 */
public record BoardPeriod(Period period, String label, Instant start, Instant end) {

    /** Where all-time ticks start counting. Credits before it tie at tick 0. */
    public static final Instant ALL_TIME_ORIGIN = Instant.parse("2026-01-01T00:00:00Z");
    private static final Pattern WEEK = Pattern.compile("(\\d{4})-W(\\d{2})");
    private static final Pattern MONTH = Pattern.compile("(\\d{4})-(\\d{2})");

    /** The period of kind {@code period} that contains {@code at}. */
    public static BoardPeriod containing(Period period, Instant at) {
        ZonedDateTime utc = at.atZone(ZoneOffset.UTC);
        return switch (period) {
            case WEEK -> {
                LocalDate monday = utc.toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
                yield week(monday);
            }
            case MONTH -> month(YearMonth.from(utc));
            case ALL -> new BoardPeriod(Period.ALL, "all", ALL_TIME_ORIGIN, null);
        };
    }

    /**
     * The period named by {@code at} ({@code ?at=2026-W47} for a week, {@code 2026-11} for a month; nothing for
     * all time), or the one containing {@code now} when {@code at} is null. A label of another shape or a
     * period that has not begun: 400 {@code invalid_field} ({@code at}).
     */
    public static BoardPeriod parse(Period period, String at, Instant now) {
        if (at == null || at.isBlank()) {
            return containing(period, now);
        }
        BoardPeriod parsed = switch (period) {
            case WEEK -> parseWeek(at);
            case MONTH -> parseMonth(at);
            case ALL -> {
                if (!"all".equals(at)) {
                    throw DomainException.invalid("at", "the all-time board has no earlier periods; leave out 'at'");
                }
                yield containing(Period.ALL, now);
            }
        };
        if (parsed.start().isAfter(now)) {
            throw DomainException.invalid("at", "period " + at + " has not begun yet");
        }
        return parsed;
    }

    /** True when {@code at} lies in this period. */
    public boolean contains(Instant at) {
        return period == Period.ALL || (!at.isBefore(start) && at.isBefore(end));
    }

    /** The tie-break tick of a credit at {@code at}: seconds (week, month) or minutes (all time) since the start. */
    public long tick(Instant at) {
        long ticks = period == Period.ALL
                ? ChronoUnit.MINUTES.between(ALL_TIME_ORIGIN, at)
                : ChronoUnit.SECONDS.between(start, at);
        return Math.max(0, ticks);
    }

    /** The period just before this one (weeks and months only). */
    public BoardPeriod previous() {
        return switch (period) {
            case WEEK -> containing(Period.WEEK, start.minus(Duration.ofDays(7)));
            case MONTH -> containing(Period.MONTH, start.minus(Duration.ofDays(1)));
            case ALL -> this;
        };
    }

    private static BoardPeriod week(LocalDate monday) {
        String label = String.format("%d-W%02d", monday.get(IsoFields.WEEK_BASED_YEAR),
                monday.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
        Instant start = monday.atStartOfDay(ZoneOffset.UTC).toInstant();
        return new BoardPeriod(Period.WEEK, label, start, start.plus(Duration.ofDays(7)));
    }

    private static BoardPeriod month(YearMonth month) {
        Instant start = month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant end = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        return new BoardPeriod(Period.MONTH, month.toString(), start, end);
    }

    static BoardPeriod parseWeek(String at) {
        Matcher m = WEEK.matcher(at);
        if (m.matches()) {
            int year = Integer.parseInt(m.group(1));
            int week = Integer.parseInt(m.group(2));
            LocalDate mid = LocalDate.of(year, 6, 1);
            long weeksInYear = mid.range(IsoFields.WEEK_OF_WEEK_BASED_YEAR).getMaximum();
            if (year >= 2000 && week >= 1 && week <= weeksInYear) {
                LocalDate monday = mid.with(IsoFields.WEEK_OF_WEEK_BASED_YEAR, week).with(DayOfWeek.MONDAY);
                return week(monday);
            }
        }
        throw DomainException.invalid("at", "at must be an ISO week such as 2026-W47");
    }

    private static BoardPeriod parseMonth(String at) {
        Matcher m = MONTH.matcher(at);
        if (m.matches()) {
            int year = Integer.parseInt(m.group(1));
            int month = Integer.parseInt(m.group(2));
            if (year >= 2000 && month >= 1 && month <= 12) {
                return month(YearMonth.of(year, month));
            }
        }
        throw DomainException.invalid("at", "at must be a month such as 2026-11");
    }
}
