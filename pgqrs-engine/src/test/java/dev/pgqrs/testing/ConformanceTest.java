package dev.pgqrs.testing;

import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A test written once and run against every backend: the method runs once per backend
 * (reported as {@code [postgres]} and {@code [sqlite]}), receiving a fresh {@link TestBackend}
 * parameter. {@code PGQRS_TEST_BACKENDS=postgres} (or {@code sqlite}) narrows the set.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@TestTemplate
@ExtendWith(BackendInvocations.class)
public @interface ConformanceTest {
}
