package dev.pgqrs.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Prints what a command answers: an object (a map of field to value) or a list of them. As JSON, one document
 * per command (a list is an array); as a table, a list is aligned columns under upper-case headers and an
 * object is one field per line. Field names are the JSON ones, documented in the module's README.
 */
final class Output {

    enum Format { table, json }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int CELL_LIMIT = 60;

    private final Format format;
    private final PrintWriter out;

    Output(Format format, PrintWriter out) {
        this.format = format;
        this.out = out;
    }

    void object(Map<String, ?> fields) {
        if (format == Format.json) {
            json(fields);
            return;
        }
        int width = fields.keySet().stream().mapToInt(String::length).max().orElse(0);
        fields.forEach((k, v) -> out.println(pad(k, width) + "  " + cell(v, Integer.MAX_VALUE)));
        out.flush();
    }

    void list(List<? extends Map<String, ?>> rows, List<String> columns) {
        if (format == Format.json) {
            json(rows);
            return;
        }
        List<String[]> lines = new ArrayList<>();
        lines.add(columns.stream().map(c -> c.toUpperCase(java.util.Locale.ROOT)).toArray(String[]::new));
        for (Map<String, ?> row : rows) {
            lines.add(columns.stream().map(c -> cell(row.get(c), CELL_LIMIT)).toArray(String[]::new));
        }
        int[] widths = new int[columns.size()];
        for (String[] line : lines) {
            for (int i = 0; i < line.length; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        for (String[] line : lines) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < line.length; i++) {
                b.append(i == line.length - 1 ? line[i] : pad(line[i], widths[i]) + "  ");
            }
            out.println(b.toString().stripTrailing());
        }
        out.flush();
    }

    private void json(Object value) {
        try {
            out.println(JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the answer as JSON: " + e.getOriginalMessage(), e);
        }
        out.flush();
    }

    private static String cell(Object v, int limit) {
        String text;
        if (v == null) {
            text = "-";
        } else if (v instanceof JsonNode node) {
            text = node.toString();
        } else if (v instanceof Collection<?> c) {
            text = c.isEmpty() ? "-" : String.join(", ", c.stream().map(e -> cell(e, Integer.MAX_VALUE)).toList());
        } else if (v instanceof Map<?, ?> m) {
            text = JSON.valueToTree(m).toString();
        } else {
            text = v.toString();
        }
        text = text.replace('\n', ' ');
        return text.length() > limit ? text.substring(0, limit - 1) + "…" : text;
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
