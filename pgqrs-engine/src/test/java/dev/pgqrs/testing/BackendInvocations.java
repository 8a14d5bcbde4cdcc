package dev.pgqrs.testing;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** Runs each {@link ConformanceTest} once per backend, each time on a fresh database. */
public final class BackendInvocations implements TestTemplateInvocationContextProvider {

    @Override
    public boolean supportsTestTemplate(ExtensionContext context) {
        return context.getRequiredTestMethod().isAnnotationPresent(ConformanceTest.class);
    }

    @Override
    public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
        return enabledBackends().stream().map(BackendInvocations::invocation);
    }

    public static List<BackendKind> enabledBackends() {
        String only = System.getenv("PGQRS_TEST_BACKENDS");
        if (only == null || only.isBlank()) {
            return List.of(BackendKind.values());
        }
        return Arrays.stream(only.split(",")).map(s -> BackendKind.valueOf(s.trim().toUpperCase(Locale.ROOT))).toList();
    }

    private static TestTemplateInvocationContext invocation(BackendKind kind) {
        return new TestTemplateInvocationContext() {
            @Override
            public String getDisplayName(int invocationIndex) {
                return "[" + kind.label() + "]";
            }

            @Override
            public List<Extension> getAdditionalExtensions() {
                return List.of(new BackendParameter(kind));
            }
        };
    }

    private static final class BackendParameter implements ParameterResolver, AfterEachCallback {
        private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(BackendParameter.class);
        private final BackendKind kind;

        BackendParameter(BackendKind kind) {
            this.kind = kind;
        }

        @Override
        public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
            return p.getParameter().getType() == TestBackend.class;
        }

        @Override
        public Object resolveParameter(ParameterContext p, ExtensionContext c) {
            return c.getStore(NS).getOrComputeIfAbsent("backend", k -> TestBackend.create(kind), TestBackend.class);
        }

        @Override
        public void afterEach(ExtensionContext c) {
            TestBackend b = c.getStore(NS).remove("backend", TestBackend.class);
            if (b != null) {
                b.close();
            }
        }
    }
}
