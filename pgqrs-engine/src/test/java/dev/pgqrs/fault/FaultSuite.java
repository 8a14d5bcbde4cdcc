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
 * {@link LogCapture} is installed before its first test, and after its last one nothing captured so far
 * — log events of this JVM and of its children, exception texts the tests saw — may contain a secret
 * the suite used (the database password, the wrong passwords it tried). Every fault test class checks
 * this, so the whole suite's captures are checked whichever class runs last.
 */
public final class FaultSuite implements BeforeAllCallback, AfterAllCallback {

    private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();

    /** A secret that must never appear in anything captured. */
    public static void secret(String secret) {
        if (secret != null && !secret.isEmpty()) {
            SECRETS.add(secret);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        LogCapture.global();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        assertNoSecretCaptured();
    }

    public static void assertNoSecretCaptured() {
        for (String secret : SECRETS) {
            List<String> leaks = LogCapture.global().containing(secret);
            assertThat(leaks).as("captured texts containing a secret (shown as <SECRET>), out of %s",
                    LogCapture.global().size()).isEmpty();
        }
    }

    /** How many secrets the checks look for (for the figures line). */
    public static int secrets() {
        return SECRETS.size();
    }
}
