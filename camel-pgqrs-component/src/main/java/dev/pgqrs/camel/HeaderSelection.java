package dev.pgqrs.camel;

import org.apache.camel.support.PatternHelper;

import java.util.Arrays;
import java.util.List;

/** Which headers a durable step records: comma-separated names or wildcard/regex patterns. */
final class HeaderSelection {

    private static final HeaderSelection NONE = new HeaderSelection(List.of());

    private final List<String> patterns;

    private HeaderSelection(List<String> patterns) {
        this.patterns = patterns;
    }

    static HeaderSelection of(String spec) {
        if (spec == null || spec.isBlank()) {
            return NONE;
        }
        return new HeaderSelection(Arrays.stream(spec.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList());
    }

    boolean matches(String header) {
        for (String p : patterns) {
            if (PatternHelper.matchPattern(header, p)) {
                return true;
            }
        }
        return false;
    }

    boolean isEmpty() {
        return patterns.isEmpty();
    }
}
