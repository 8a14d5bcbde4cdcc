package dev.pgqrs.fault;

import dev.pgqrs.testing.LogCapture;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every fault test class shares ({@code @ExtendWith(FaultSuite.class)}): the JVM's
 * {@link LogCapture} is installed before its first test, and after its last one nothing captured while
 * it ran — log events of this JVM and of its children, exception texts its tests saw — may contain a
 * secret the suite used (the database password, the wrong passwords it tried). Every fault test class
 * checks its own captures, so together they check the whole suite's, in whatever order they run (and a
 * leak fails the class that caused it, not every class after it).
 */
public final class FaultSuite implements BeforeAllCallback, AfterAllCallback {

    private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(FaultSuite.class);

    /** A secret that must never appear in anything captured. */
    public static void secret(String secret) {
        if (secret != null && !secret.isEmpty()) {
            SECRETS.add(secret);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getStore(NS).put("mark", LogCapture.global().mark());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        assertNoSecretCapturedSince(context.getStore(NS).get("mark", LogCapture.Mark.class));
    }

    /** Fails if anything captured since the mark contains one of the suite's secrets. */
    public static void assertNoSecretCapturedSince(LogCapture.Mark mark) {
        for (String secret : SECRETS) {
            List<String> leaks = LogCapture.global().containing(secret, mark);
            assertThat(leaks).as("captured texts containing a secret (shown as <SECRET>), out of %s",
                    LogCapture.global().size()).isEmpty();
        }
    }

    /** How many secrets the checks look for (for the figures line). */
    public static int secrets() {
        return SECRETS.size();
    }
}
