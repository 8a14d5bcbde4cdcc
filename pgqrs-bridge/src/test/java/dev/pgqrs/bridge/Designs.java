package dev.pgqrs.bridge;

import java.util.LinkedHashMap;
import java.util.Map;

/** The designs the tests run, as Karavan writes them (uri + parameters, ids on routes and steps). */
final class Designs {

    private Designs() {
    }

    /** pgqrs:IN → pgqrs:OUT through the pgqrs Kamelets; a body containing "poison" fails at the step that checks. */
    static String relay(String in, String out) {
        return relay(in, out, "${body} contains 'poison'");
    }

    /** The relay, failing where {@code failWhen} (a simple predicate) holds. */
    static String relay(String in, String out, String failWhen) {
        return """
                - route:
                    id: relay
                    from:
                      id: from-in
                      uri: kamelet:pgqrs-source
                      parameters:
                        queue: %s
                        batch: 5
                      steps:
                        - choice:
                            id: check
                            when:
                              - id: when-poison
                                expression:
                                  simple:
                                    expression: "%s"
                                steps:
                                  - throwException:
                                      id: reject
                                      exceptionType: java.lang.IllegalArgumentException
                                      message: poison record
                        - to:
                            id: to-out
                            uri: kamelet:pgqrs-sink
                            parameters:
                              queue: %s
                """.formatted(in, failWhen.replace("\"", "\\\""), out);
    }

    /** A connector's configuration for a design. */
    static Map<String, Object> config(String design, String... keysAndValues) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("connector.class", "design");
        c.put("design", design);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            c.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return c;
    }

    static Map<String, Object> create(String name, Map<String, Object> config) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("config", config);
        return body;
    }
}
