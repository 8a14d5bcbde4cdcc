package dev.pgqrs.payload;

/**
 * Where a value sits in a payload, for error messages: {@code $.order.lines[2].sku}, with keys that
 * are not plain names quoted ({@code $['my key']}) and long keys shortened. Built as a chain while
 * the validator walks the tree and rendered only when a message needs it.
 */
final class JsonPath {

    static final JsonPath ROOT = new JsonPath(null, null, -1);
    private static final int MAX_KEY_SHOWN = 40;

    private final JsonPath parent;
    private final String key;
    private final int index;

    private JsonPath(JsonPath parent, String key, int index) {
        this.parent = parent;
        this.key = key;
        this.index = index;
    }

    JsonPath member(String name) {
        return new JsonPath(this, name, -1);
    }

    JsonPath element(int i) {
        return new JsonPath(this, null, i);
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        append(out);
        return out.toString();
    }

    private void append(StringBuilder out) {
        if (parent == null) {
            out.append('$');
            return;
        }
        parent.append(out);
        if (key == null) {
            out.append('[').append(index).append(']');
        } else if (isPlainName(key)) {
            out.append('.').append(key);
        } else {
            out.append("['");
            int shown = Math.min(key.length(), MAX_KEY_SHOWN);
            for (int i = 0; i < shown; i++) {
                char c = key.charAt(i);
                if (c == '\'' || c == '\\') {
                    out.append('\\').append(c);
                } else if (c < 0x20 || c == 0x7f || Character.isSurrogate(c)) {
                    out.append(String.format("\\u%04x", (int) c));
                } else {
                    out.append(c);
                }
            }
            if (shown < key.length()) {
                out.append("…");
            }
            out.append("']");
        }
    }

    private static boolean isPlainName(String key) {
        if (key.isEmpty() || key.length() > MAX_KEY_SHOWN || !(Character.isLetter(key.charAt(0)) || key.charAt(0) == '_' || key.charAt(0) == '$')) {
            return false;
        }
        for (int i = 1; i < key.length(); i++) {
            char c = key.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '_' || c == '$' || c == '-')) {
                return false;
            }
        }
        return true;
    }
}
