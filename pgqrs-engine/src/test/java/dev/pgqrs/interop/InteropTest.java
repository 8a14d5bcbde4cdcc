package dev.pgqrs.interop;

import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A test run once per backend and per release of pgqrs (Rust), each time on a fresh database that
 * release's bootstrap built (reported as {@code [postgres, pgqrs 0.15.3]}), given as an
 * {@link OriginalDatabase} parameter. {@link #releases()} narrows the releases.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@TestTemplate
@ExtendWith(InteropInvocations.class)
@interface InteropTest {

    OriginalRelease[] releases() default {OriginalRelease.V0_15_0, OriginalRelease.V0_15_1, OriginalRelease.V0_15_3,
            OriginalRelease.HEAD};
}
