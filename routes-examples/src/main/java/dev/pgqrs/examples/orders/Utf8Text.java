package dev.pgqrs.examples.orders;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Bytes read as UTF-8, strictly. A lenient decoder (Camel's type conversion) turns the bytes of a binary
 * file, or a body sent in Latin-1, into replacement characters, and the order would be accepted with its
 * text silently changed, or the parser would fail on nonsense. This one names the problem and where.
 */
final class Utf8Text {

    private Utf8Text() {
    }

    /** The text of {@code bytes}; {@code what} ("the file", "the body") names them in the error. */
    static String decode(byte[] bytes, String what) {
        if (bytes == null) {
            return "";
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1); // UTF-8: at most one char per byte
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            throw new InvalidOrderException(what + " is not UTF-8 text: invalid byte sequence at byte " + in.position()
                    + " of " + bytes.length + "; orders are JSON in UTF-8");
        }
        String text = out.flip().toString();
        return text.startsWith("\uFEFF") ? text.substring(1) : text; // a byte order mark is not part of the JSON
    }
}
