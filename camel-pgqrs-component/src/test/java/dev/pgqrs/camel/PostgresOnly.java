package dev.pgqrs.camel;

import dev.pgqrs.testing.BackendInvocations;
import dev.pgqrs.testing.BackendKind;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A test class whose subject exists on PostgreSQL only; {@link #value()} says why. The class is skipped
 * when {@code PGQRS_TEST_BACKENDS} leaves PostgreSQL out; on a {@link PgqrsCamelTestSupport} class, its
 * SQLite runs are skipped with that reason.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(PostgresOnly.WhenEnabled.class)
public @interface PostgresOnly {

    /** Why the subject does not exist on the other backends. */
    String value();

    /** Skips the class unless PostgreSQL is among the enabled backends. */
    final class WhenEnabled implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return BackendInvocations.enabledBackends().contains(BackendKind.POSTGRES)
                    ? ConditionEvaluationResult.enabled("PostgreSQL is enabled")
                    : ConditionEvaluationResult.disabled("PostgreSQL is not among PGQRS_TEST_BACKENDS");
        }
    }
}
