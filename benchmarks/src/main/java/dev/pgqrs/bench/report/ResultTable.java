package dev.pgqrs.bench.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A table of text cells, rendered for the terminal (aligned columns) or as Markdown. The first
 * column is left-aligned, the others right-aligned: they hold numbers.
 */
public final class ResultTable {

    private final String title;
    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    public ResultTable(String title, String... headers) {
        this.title = title;
        this.headers = List.of(headers);
    }

    public ResultTable row(String... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, table has " + headers.size() + " columns");
        }
        rows.add(Arrays.asList(cells));
        return this;
    }

    /** A line printed under the table. */
    public ResultTable note(String note) {
        notes.add(note);
        return this;
    }

    public String title() {
        return title;
    }

    public int rowCount() {
        return rows.size();
    }

    public String toText() {
        int[] widths = new int[headers.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = headers.get(i).length();
            for (List<String> row : rows) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        out.append(title).append('\n');
        appendTextRow(out, headers, widths);
        int total = Arrays.stream(widths).sum() + 2 * (widths.length - 1);
        out.append("-".repeat(total)).append('\n');
        for (List<String> row : rows) {
            appendTextRow(out, row, widths);
        }
        for (String note : notes) {
            out.append(note).append('\n');
        }
        return out.toString();
    }

    private static void appendTextRow(StringBuilder out, List<String> cells, int[] widths) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.append("  ");
            }
            String cell = cells.get(i);
            String pad = " ".repeat(widths[i] - cell.length());
            out.append(i == 0 ? cell + pad : pad + cell);
        }
        out.append('\n');
    }

    public String toMarkdown() {
        StringBuilder out = new StringBuilder();
        out.append("### ").append(title).append("\n\n");
        out.append("| ").append(String.join(" | ", headers)).append(" |\n");
        out.append("|");
        for (int i = 0; i < headers.size(); i++) {
            out.append(i == 0 ? "---|" : "---:|");
        }
        out.append('\n');
        for (List<String> row : rows) {
            out.append("| ").append(String.join(" | ", row.stream().map(c -> c.replace("|", "\\|")).toList())).append(" |\n");
        }
        if (!notes.isEmpty()) {
            out.append('\n');
            for (String note : notes) {
                out.append(note).append("\n\n");
            }
        }
        return out.toString();
    }
}
