package dev.pgqrs.camel;

import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.PropertyConfigurer;
import org.apache.camel.spi.UriParam;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The generated configurer of the component or its endpoints, with the text of every typed pgqrs
 * option parsed strictly before Camel's converters see it. Camel's own conversions are lenient where
 * a typo matters: a duration like {@code banana} becomes 0 ms, an {@code int} like {@code abc}
 * becomes 0, so the option then failed with a misleading "=0 is invalid" or was silently accepted.
 * Here the value as written is parsed (durations, whole numbers, numbers, booleans, enums) and the
 * parsed value handed on; text that does not parse fails, naming the option and the value.
 *
 * <p>Which options are which comes from the annotated sources ({@link PgqrsConfiguration}'s
 * {@code @UriParam}s, {@link PgqrsComponent}'s {@code @Metadata}), so it cannot drift from them.
 * Every other call, and every other option (Camel's own, references such as {@code #bean}),
 * goes to the generated configurer unchanged; the proxy has all of its interfaces, so autowiring
 * and tooling see the same configurer.
 */
final class CheckedOptionConfigurer implements InvocationHandler {

    enum Kind { DURATION, WHOLE_NUMBER, NUMBER, BOOLEAN, ENUM, CLASS }

    static final String DURATION_FORMS = "use 30s, 500ms, 1m30s, PT1M or milliseconds";
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)", Pattern.CASE_INSENSITIVE);
    private static final Pattern DURATION_TEXT = Pattern.compile("(?:\\d+(?:\\.\\d+)?\\s*(?:ms|s|m|h|d)\\s*)+", Pattern.CASE_INSENSITIVE);

    private static final Map<String, Option> OPTIONS = options();

    private record Option(String name, Kind kind, Class<?> type) {
    }

    private final PropertyConfigurer generated;

    private CheckedOptionConfigurer(PropertyConfigurer generated) {
        this.generated = generated;
    }

    /** The generated configurer behind a checking proxy with the same interfaces; null stays null. */
    static PropertyConfigurer wrap(PropertyConfigurer generated) {
        if (generated == null || Proxy.isProxyClass(generated.getClass())) {
            return generated;
        }
        Set<Class<?>> interfaces = new LinkedHashSet<>();
        for (Class<?> c = generated.getClass(); c != null; c = c.getSuperclass()) {
            interfaces.addAll(Arrays.asList(c.getInterfaces()));
        }
        return (PropertyConfigurer) Proxy.newProxyInstance(CheckedOptionConfigurer.class.getClassLoader(),
                interfaces.toArray(Class<?>[]::new), new CheckedOptionConfigurer(generated));
    }

    @Override
    public Object invoke(Object proxy, java.lang.reflect.Method method, Object[] args) throws Throwable {
        if (method.getName().equals("configure") && args != null && args.length == 5 && args[3] instanceof String text) {
            Option option = OPTIONS.get(((String) args[2]).toLowerCase(Locale.ROOT));
            if (option != null && !text.startsWith("#")) {
                args = args.clone();
                args[3] = parse(owner(args[1]), option, text, (CamelContext) args[0]);
            }
        }
        try {
            return method.invoke(generated, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** How an error names what it is about: {@code pgqrs:orders}, not the URI (it may hold a DSN's password). */
    private static String owner(Object target) {
        if (target instanceof PgqrsEndpoint endpoint) {
            return endpoint.describe();
        }
        return target instanceof Endpoint ? "pgqrs endpoint" : "pgqrs component";
    }

    static Object parse(String owner, Option option, String text, CamelContext context) {
        String value = text.trim();
        return switch (option.kind()) {
            case DURATION -> parseDuration(value).orElseThrow(() -> invalid(owner, option, text, "is not a duration (" + DURATION_FORMS + ")"));
            case WHOLE_NUMBER -> {
                try {
                    yield Integer.valueOf(value);
                } catch (NumberFormatException e) {
                    throw invalid(owner, option, text, "is not a whole number");
                }
            }
            case NUMBER -> {
                try {
                    double d = Double.parseDouble(value);
                    if (!Double.isFinite(d)) {
                        throw new NumberFormatException(value);
                    }
                    yield d;
                } catch (NumberFormatException e) {
                    throw invalid(owner, option, text, "is not a number");
                }
            }
            case BOOLEAN -> switch (value.toLowerCase(Locale.ROOT)) {
                case "true" -> Boolean.TRUE;
                case "false" -> Boolean.FALSE;
                default -> throw invalid(owner, option, text, "is not a boolean (use true or false)");
            };
            case ENUM -> {
                for (Object constant : option.type().getEnumConstants()) {
                    if (((Enum<?>) constant).name().equalsIgnoreCase(value)) {
                        yield constant;
                    }
                }
                throw invalid(owner, option, text, "is not one of " + Arrays.toString(option.type().getEnumConstants()));
            }
            case CLASS -> {
                Class<?> type = context.getClassResolver().resolveClass(value);
                if (type == null) {
                    throw invalid(owner, option, text, "is not a class on the class path");
                }
                yield type;
            }
        };
    }

    /**
     * Milliseconds ({@code 1500}), ISO-8601 ({@code PT1M30S}) or amounts with units
     * ({@code 500ms}, {@code 30s}, {@code 1m30s}, {@code 1.5h}, {@code 2d}); anything else is empty.
     */
    static java.util.Optional<Duration> parseDuration(String value) {
        if (value.matches("\\d+")) {
            try {
                return java.util.Optional.of(Duration.ofMillis(Long.parseLong(value)));
            } catch (NumberFormatException e) {
                return java.util.Optional.empty();
            }
        }
        if (value.length() > 1 && (value.charAt(0) == 'P' || value.charAt(0) == 'p')) {
            try {
                return java.util.Optional.of(Duration.parse(value.toUpperCase(Locale.ROOT)));
            } catch (DateTimeParseException e) {
                return java.util.Optional.empty();
            }
        }
        if (!DURATION_TEXT.matcher(value).matches()) {
            return java.util.Optional.empty();
        }
        double millis = 0;
        Matcher part = DURATION_PART.matcher(value);
        while (part.find()) {
            double amount = Double.parseDouble(part.group(1));
            millis += amount * switch (part.group(2).toLowerCase(Locale.ROOT)) {
                case "ms" -> 1;
                case "s" -> 1_000;
                case "m" -> 60_000;
                case "h" -> 3_600_000;
                default -> 86_400_000;
            };
        }
        return java.util.Optional.of(Duration.ofMillis(Math.round(millis)));
    }

    private static IllegalArgumentException invalid(String owner, Option option, String text, String why) {
        return new IllegalArgumentException(owner + ": option " + option.name() + "='" + text + "' " + why);
    }

    /** Typed options by lower-case name, from the annotated fields. */
    private static Map<String, Option> options() {
        Map<String, Option> out = new TreeMap<>();
        for (Field f : PgqrsConfiguration.class.getDeclaredFields()) {
            UriParam param = f.getAnnotation(UriParam.class);
            if (param != null) {
                add(out, f, Duration.class.getName().equals(param.javaType()));
            }
        }
        for (Field f : PgqrsComponent.class.getDeclaredFields()) {
            if (f.isAnnotationPresent(Metadata.class)) {
                add(out, f, false);
            }
        }
        return Map.copyOf(out);
    }

    private static void add(Map<String, Option> out, Field f, boolean duration) {
        Class<?> type = f.getType();
        Kind kind = duration ? Kind.DURATION
                : type == int.class || type == Integer.class || type == long.class || type == Long.class ? Kind.WHOLE_NUMBER
                : type == double.class || type == Double.class ? Kind.NUMBER
                : type == boolean.class || type == Boolean.class ? Kind.BOOLEAN
                : type.isEnum() ? Kind.ENUM
                : type == Class.class ? Kind.CLASS
                : null;
        if (kind != null) {
            out.put(f.getName().toLowerCase(Locale.ROOT), new Option(f.getName(), kind, type));
        }
    }
}
