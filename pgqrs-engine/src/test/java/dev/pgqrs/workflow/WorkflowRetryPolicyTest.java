package dev.pgqrs.workflow;

import dev.pgqrs.RetryPolicy;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The retry policy's arithmetic and validation (no database involved). */
class WorkflowRetryPolicyTest {

    private static final RuntimeException ERROR = new IllegalStateException("x");

    @Test
    void exponentialBackoffDoublesUpToTheCap() {
        RetryPolicy p = RetryPolicy.exponential(6, Duration.ofMillis(100), Duration.ofMillis(500));

        assertThat(p.delayAfter(1, ERROR)).isEqualTo(Duration.ofMillis(100));
        assertThat(p.delayAfter(2, ERROR)).isEqualTo(Duration.ofMillis(200));
        assertThat(p.delayAfter(3, ERROR)).isEqualTo(Duration.ofMillis(400));
        assertThat(p.delayAfter(4, ERROR)).isEqualTo(Duration.ofMillis(500));
        assertThat(p.withFactor(3).delayAfter(2, ERROR)).isEqualTo(Duration.ofMillis(300));
    }

    @Test
    void fixedBackoffIsConstantAndJitterStaysWithinItsFraction() {
        assertThat(RetryPolicy.fixed(3, Duration.ofSeconds(2)).delayAfter(2, ERROR)).isEqualTo(Duration.ofSeconds(2));
        RetryPolicy jittered = RetryPolicy.fixed(3, Duration.ofMillis(1000)).withJitter(0.2);
        for (int i = 0; i < 200; i++) {
            assertThat(jittered.delayAfter(1, ERROR).toMillis()).isBetween(800L, 1200L);
        }
    }

    @Test
    void anErrorsRetryAfterWinsAndPermanentErrorsAreNotRetryable() {
        RetryPolicy p = RetryPolicy.fixed(3, Duration.ofSeconds(5)).nonRetryable(IllegalArgumentException.class);

        assertThat(p.delayAfter(1, new RetryableStepException("slow down", Duration.ofMillis(42)))).isEqualTo(Duration.ofMillis(42));
        assertThat(p.isRetryable(ERROR)).isTrue();
        assertThat(p.isRetryable(new PermanentStepException("no"))).isFalse();
        assertThat(p.isRetryable(new NumberFormatException("subtype of IllegalArgumentException"))).isFalse();
        assertThat(RetryPolicy.DEFAULT.maxAttempts()).isEqualTo(4);
    }

    @Test
    void invalidSettingsAreRefusedNamingTheSetting() {
        assertThatThrownBy(() -> RetryPolicy.fixed(0, Duration.ZERO)).hasMessageContaining("maxAttempts must be at least 1, was 0");
        assertThatThrownBy(() -> RetryPolicy.exponential(3, Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageContaining("maxDelay (PT1S) must not be less than initialDelay (PT2S)");
        assertThatThrownBy(() -> RetryPolicy.noRetries().withJitter(1.5)).hasMessageContaining("jitter must be a fraction");
        assertThatThrownBy(() -> RetryPolicy.noRetries().withFactor(0.5)).hasMessageContaining("backoff factor must be at least 1");
    }
}
