package com.mallquest.local.runner;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One command's arguments: {@code --name value} options (repeatable), {@code -e} for {@code --event}, flags, positionals. */
public final class Args {
    private static final List<String> FLAGS = List.of("fire-schedules-now");
    private final Map<String, List<String>> options = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();

    private Args() { }

    /** The arguments after the command's name; a {@link UsageError} when an option lacks its value. */
    public static Args parse(List<String> argv) {
        Args args = new Args();
        for (int i = 0; i < argv.size(); i++) {
            String a = argv.get(i);
            if (a.equals("-e")) {
                a = "--event";
            }
            if (!a.startsWith("--")) {
                args.positional.add(a);
                continue;
            }
            String name = a.substring(2);
            String inline = null;
            if (name.contains("=") && !name.startsWith("parameter-overrides")) {
                inline = name.substring(name.indexOf('=') + 1);
                name = name.substring(0, name.indexOf('='));
            }
            List<String> values = args.options.computeIfAbsent(name, k -> new ArrayList<>());
            if (FLAGS.contains(name)) {
                values.add("true");
            } else if (inline != null) {
                values.add(inline);
            } else if (name.equals("parameter-overrides")) {
                while (i + 1 < argv.size() && !argv.get(i + 1).startsWith("--")) {
                    values.add(argv.get(++i).trim()); // one Name=Value per argument; values may hold spaces
                }
            } else {
                if (i + 1 >= argv.size()) {
                    throw new UsageError("--" + name + " needs a value");
                }
                values.add(argv.get(++i));
            }
        }
        return args;
    }

    /** A {@link UsageError} naming the first option given that is not one of {@code names}. */
    public void allow(String... names) {
        List<String> allowed = List.of(names);
        for (String name : options.keySet()) {
            if (!allowed.contains(name)) {
                throw new UsageError("Unknown option --" + name + (name.equals("event") ? " (-e)" : ""));
            }
        }
    }

    /** The arguments that are not options, in order. */
    public List<String> positional() {
        return positional;
    }

    /** The option's last value. */
    public Optional<String> one(String name) {
        List<String> values = options.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(values.size() - 1));
    }

    /** Every value the option was given. */
    public List<String> all(String name) {
        return options.getOrDefault(name, List.of());
    }

    /** Whether the option (a flag) was given. */
    public boolean flag(String name) {
        return options.containsKey(name);
    }

    /** The option as a whole number, {@code fallback} when not given; a {@link UsageError} when not a number. */
    public int integer(String name, int fallback) {
        Optional<String> value = one(name);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.get());
        } catch (NumberFormatException e) {
            throw new UsageError("--" + name + " must be a whole number, got '" + value.get() + "'");
        }
    }
}
