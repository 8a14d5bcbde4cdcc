package dev.pgqrs;

import java.nio.charset.StandardCharsets;

/** Error texts stored with messages stay within the store's string limit, counted in UTF-8 bytes. */
final class ErrorText {

    private static final String ELLIPSIS = "…";
    private static final int ELLIPSIS_BYTES = ELLIPSIS.getBytes(StandardCharsets.UTF_8).length;

    private ErrorText() {
    }

    /** The longest error text kept on a message row ({@code last_error}). */
    static final int MAX_STORED_BYTES = 4096;

    /**
     * {@code text} made storable — NUL (which PostgreSQL stores in no text) becomes '?', a lone surrogate
     * (no character at all) U+FFFD — and cut, never inside a character, with an ellipsis so it is at most
     * {@code maxBytes} in UTF-8.
     */
    static String cut(String raw, int maxBytes) {
        if (raw == null) {
            return null;
        }
        String text = storable(raw);
        if (utf8Length(text, text.length()) <= maxBytes) {
            return text;
        }
        int budget = Math.max(0, maxBytes - ELLIPSIS_BYTES);
        int bytes = 0;
        int end = 0;
        while (end < text.length()) {
            int cp = text.codePointAt(end);
            int len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + len > budget) {
                break;
            }
            bytes += len;
            end += Character.charCount(cp);
        }
        return text.substring(0, end) + ELLIPSIS;
    }

    private static String storable(String text) {
        boolean clean = true;
        for (int i = 0; i < text.length() && clean; i++) {
            char c = text.charAt(i);
            clean = c != 0 && !Character.isSurrogate(c);
        }
        if (clean) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> out.appendCodePoint(cp == 0 ? '?' : cp >= 0xD800 && cp <= 0xDFFF ? 0xFFFD : cp));
        return out.toString();
    }

    private static int utf8Length(String s, int upTo) {
        int bytes = 0;
        for (int i = 0; i < upTo; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < upTo && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
