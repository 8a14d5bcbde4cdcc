package dev.pgqrs.interop;

import dev.pgqrs.testing.BackendInvocations;
import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.testing.TestBackend;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/** Runs each {@link InteropTest} once per backend × release, on a database that release built. */
final class InteropInvocations implements TestTemplateInvocationContextProvider {

    @Override
    public boolean supportsTestTemplate(ExtensionContext context) {
        return context.getRequiredTestMethod().isAnnotationPresent(InteropTest.class);
    }

    @Override
    public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
        List<OriginalRelease> releases = Arrays.asList(context.getRequiredTestMethod().getAnnotation(InteropTest.class).releases());
        return BackendInvocations.enabledBackends().stream()
                .flatMap(kind -> releases.stream().map(release -> invocation(kind, release)));
    }

    private static TestTemplateInvocationContext invocation(BackendKind kind, OriginalRelease release) {
        return new TestTemplateInvocationContext() {
            @Override
            public String getDisplayName(int invocationIndex) {
                return "[" + kind.label() + ", pgqrs " + release + "]";
            }

            @Override
            public List<Extension> getAdditionalExtensions() {
                return List.of(new DatabaseParameter(kind, release));
            }
        };
    }

    private static final class DatabaseParameter implements ParameterResolver, AfterEachCallback {
        private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(DatabaseParameter.class);
        private final BackendKind kind;
        private final OriginalRelease release;

        DatabaseParameter(BackendKind kind, OriginalRelease release) {
            this.kind = kind;
            this.release = release;
        }

        @Override
        public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
            return p.getParameter().getType() == OriginalDatabase.class;
        }

        @Override
        public Object resolveParameter(ParameterContext p, ExtensionContext c) {
            TestBackend backend = c.getStore(NS).getOrComputeIfAbsent("backend", k -> TestBackend.create(kind), TestBackend.class);
            return OriginalDatabase.build(backend, release);
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
