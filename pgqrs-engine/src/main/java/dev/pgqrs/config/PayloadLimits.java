package dev.pgqrs.config;

import dev.pgqrs.ConfigException;

import java.util.List;
import java.util.Set;

/**
 * Limits every payload is checked against before it is enqueued. The defaults and the way they are
 * counted are those of pgqrs (Rust), so a payload accepted by one edition is accepted by the other
 * (see {@link dev.pgqrs.payload.PayloadValidator}). A payload is any JSON value.
 *
 * @param maxBytes       largest payload, in UTF-8 bytes of its compact serialisation (what is stored)
 * @param maxDepth       deepest value: the root is depth 0, each object member value or array element
 *                       one deeper; a value (scalar or container) deeper than this fails
 * @param maxStringBytes longest key and longest string value, each in UTF-8 bytes
 * @param forbiddenKeys  keys refused in every object, at any depth
 * @param requiredKeys   keys the payload must have when it is an object (other values have none to check)
 */
public record PayloadLimits(int maxBytes, int maxDepth, int maxStringBytes, Set<String> forbiddenKeys,
                            List<String> requiredKeys) {

    public static final PayloadLimits DEFAULTS =
            new PayloadLimits(1024 * 1024, 5, 1024, Set.of("__proto__", "constructor"), List.of());

    public PayloadLimits {
        positive("payload.max_bytes", maxBytes);
        positive("payload.max_depth", maxDepth);
        positive("payload.max_string_bytes", maxStringBytes);
        forbiddenKeys = Set.copyOf(forbiddenKeys);
        requiredKeys = List.copyOf(requiredKeys);
    }

    private static void positive(String key, int value) {
        if (value < 1) {
            throw new ConfigException(key + " must be at least 1, was " + value);
        }
    }

    public PayloadLimits withMaxBytes(int value) {
        return new PayloadLimits(value, maxDepth, maxStringBytes, forbiddenKeys, requiredKeys);
    }

    public PayloadLimits withMaxDepth(int value) {
        return new PayloadLimits(maxBytes, value, maxStringBytes, forbiddenKeys, requiredKeys);
    }

    public PayloadLimits withMaxStringBytes(int value) {
        return new PayloadLimits(maxBytes, maxDepth, value, forbiddenKeys, requiredKeys);
    }

    public PayloadLimits withRequiredKeys(List<String> keys) {
        return new PayloadLimits(maxBytes, maxDepth, maxStringBytes, forbiddenKeys, keys);
    }
}
