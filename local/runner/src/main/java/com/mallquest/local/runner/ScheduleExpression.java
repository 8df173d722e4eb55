package com.mallquest.local.runner;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An EventBridge schedule expression: {@code rate(5 minutes)} or {@code cron(0/15 * * * ? *)} (UTC; fields
 * minutes, hours, day-of-month, month, day-of-week 1-7 = SUN-SAT, year; {@code * ? , - /} and names).
 * {@code L}, {@code W} and {@code #} are not supported locally and are refused with a clear message.
 */
public final class ScheduleExpression {

    private static final Pattern RATE = Pattern.compile("rate\\(\\s*(\\d+)\\s+(minute|minutes|hour|hours|day|days)\\s*\\)");
    /** {@code L} (last), {@code nW} (weekday nearest) and {@code #} (nth weekday); names like JUL or WED pass. */
    private static final Pattern UNSUPPORTED = Pattern.compile("(^|[^A-Z])L|\\dW|#");
    private static final Pattern CRON = Pattern.compile("cron\\((.*)\\)");
    private static final Map<String, Integer> MONTHS = Map.ofEntries(Map.entry("JAN", 1), Map.entry("FEB", 2),
            Map.entry("MAR", 3), Map.entry("APR", 4), Map.entry("MAY", 5), Map.entry("JUN", 6), Map.entry("JUL", 7),
            Map.entry("AUG", 8), Map.entry("SEP", 9), Map.entry("OCT", 10), Map.entry("NOV", 11), Map.entry("DEC", 12));
    private static final Map<String, Integer> DAYS = Map.of("SUN", 1, "MON", 2, "TUE", 3, "WED", 4, "THU", 5, "FRI", 6, "SAT", 7);

    private final String text;
    private final Duration rate;
    private final BitSet minutes;
    private final BitSet hours;
    private final BitSet daysOfMonth;
    private final BitSet months;
    private final BitSet daysOfWeek;
    private final BitSet years;
    private final boolean anyDayOfMonth;
    private final boolean anyDayOfWeek;

    private ScheduleExpression(String text, Duration rate, String[] cron) {
        this.text = text;
        this.rate = rate;
        if (cron == null) {
            minutes = hours = daysOfMonth = months = daysOfWeek = years = null;
            anyDayOfMonth = anyDayOfWeek = true;
            return;
        }
        minutes = field(cron[0], 0, 59, Map.of(), "minutes");
        hours = field(cron[1], 0, 23, Map.of(), "hours");
        daysOfMonth = field(cron[2], 1, 31, Map.of(), "day-of-month");
        months = field(cron[3], 1, 12, MONTHS, "month");
        daysOfWeek = field(cron[4], 1, 7, DAYS, "day-of-week");
        years = field(cron[5], 1970, 2199, Map.of(), "year");
        anyDayOfMonth = cron[2].equals("*") || cron[2].equals("?");
        anyDayOfWeek = cron[4].equals("*") || cron[4].equals("?");
    }

    /** Parses {@code expression}; a {@link UserError} naming it when it is not one EventBridge accepts here. */
    public static ScheduleExpression parse(String expression) {
        String text = expression.trim();
        Matcher rate = RATE.matcher(text);
        if (rate.matches()) {
            long n = Long.parseLong(rate.group(1));
            String unit = rate.group(2);
            if (n < 1 || (n == 1) != !unit.endsWith("s")) {
                throw new UserError("Schedule " + text + ": use rate(1 minute) or rate(N minutes) with N > 1");
            }
            Duration period = unit.startsWith("minute") ? Duration.ofMinutes(n) : unit.startsWith("hour") ? Duration.ofHours(n) : Duration.ofDays(n);
            return new ScheduleExpression(text, period, null);
        }
        Matcher cron = CRON.matcher(text);
        if (cron.matches()) {
            String[] fields = cron.group(1).trim().toUpperCase(Locale.ROOT).split("\\s+");
            if (fields.length != 6) {
                throw new UserError("Schedule " + text + ": cron() takes 6 fields (minutes hours day-of-month month day-of-week year)");
            }
            return new ScheduleExpression(text, null, fields);
        }
        throw new UserError("Schedule " + text + " is neither rate(...) nor cron(...)");
    }

    /** The next time strictly after {@code after} at which the schedule fires. */
    public Instant next(Instant after, Instant created) {
        if (rate != null) {
            // EventBridge: the first firing one period after the rule is created, then every period.
            long periods = Math.max(0, Duration.between(created, after).toMillis() / rate.toMillis()) + 1;
            return created.plus(rate.multipliedBy(periods));
        }
        ZonedDateTime t = after.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        for (int i = 0; i < 5 * 366 * 24 * 60; i++) {
            if (matches(t)) {
                return t.toInstant();
            }
            if (!months.get(t.getMonthValue()) || !years.get(t.getYear()) || !dayMatches(t)) {
                t = t.plusDays(1).truncatedTo(ChronoUnit.DAYS);
            } else if (!hours.get(t.getHour())) {
                t = t.plusHours(1).truncatedTo(ChronoUnit.HOURS);
            } else {
                t = t.plusMinutes(1);
            }
        }
        throw new UserError("Schedule " + text + " never fires");
    }

    private boolean matches(ZonedDateTime t) {
        return years.get(t.getYear()) && months.get(t.getMonthValue()) && dayMatches(t)
                && hours.get(t.getHour()) && minutes.get(t.getMinute());
    }

    private boolean dayMatches(ZonedDateTime t) {
        int dow = t.getDayOfWeek() == DayOfWeek.SUNDAY ? 1 : t.getDayOfWeek().getValue() + 1;
        boolean dom = daysOfMonth.get(t.getDayOfMonth());
        boolean week = daysOfWeek.get(dow);
        if (anyDayOfMonth) {
            return week;
        }
        if (anyDayOfWeek) {
            return dom;
        }
        return dom && week;
    }

    private BitSet field(String spec, int min, int max, Map<String, Integer> names, String what) {
        BitSet set = new BitSet(max + 1);
        for (String part : spec.split(",")) {
            if (UNSUPPORTED.matcher(part).find()) {
                throw new UserError("Schedule " + text + ": " + what + " '" + part + "' (L, W, #) is not supported by the local runner");
            }
            int step = 1;
            String range = part;
            int slash = part.indexOf('/');
            if (slash >= 0) {
                step = Integer.parseInt(part.substring(slash + 1));
                range = part.substring(0, slash);
            }
            int from;
            int to;
            if (range.equals("*") || range.equals("?")) {
                from = min;
                to = max;
            } else if (range.contains("-")) {
                from = value(range.substring(0, range.indexOf('-')), names, what);
                to = value(range.substring(range.indexOf('-') + 1), names, what);
            } else {
                from = value(range, names, what);
                to = slash >= 0 ? max : from;
            }
            if (from < min || to > max || from > to || step < 1) {
                throw new UserError("Schedule " + text + ": " + what + " '" + part + "' is out of range " + min + "-" + max);
            }
            for (int v = from; v <= to; v += step) {
                set.set(v);
            }
        }
        return set;
    }

    private int value(String token, Map<String, Integer> names, String what) {
        Integer named = names.get(token);
        if (named != null) {
            return named;
        }
        try {
            return Integer.parseInt(token);
        } catch (NumberFormatException e) {
            throw new UserError("Schedule " + text + ": " + what + " '" + token + "' is not a number or name");
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
