package dev.pgqrs.bench.drain;

import java.util.ArrayList;
import java.util.List;

/** The small JSON messages of the backlog: about 256 bytes each, as in the original benchmark. */
public final class Payloads {

    public static final int TARGET_BYTES = 256;

    private Payloads() {
    }

    public static String json(int sequence) {
        String head = "{\"seq\":" + sequence + ",\"kind\":\"bench.drain\",\"customer\":\"c-" + (sequence % 997)
                + "\",\"amount\":" + (sequence % 10_000) / 100.0 + ",\"pad\":\"";
        String tail = "\"}";
        int pad = Math.max(0, TARGET_BYTES - head.length() - tail.length());
        return head + "x".repeat(pad) + tail;
    }

    /** Payloads {@code from} (inclusive) to {@code to} (exclusive). */
    public static List<String> range(int from, int to) {
        List<String> out = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            out.add(json(i));
        }
        return out;
    }
}
