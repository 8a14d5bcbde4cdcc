package dev.pgqrs;

import dev.pgqrs.testing.EngineApi;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine's public surface is sealed: its module exports the API packages only, and nothing public in them
 * lets an internal type out (a parameter, a return type, a field, a supertype), so an application on the
 * module path can use every public member it sees.
 */
class PublicApiTest {

    private static final Set<String> API = Set.of("dev.pgqrs", "dev.pgqrs.config", "dev.pgqrs.workflow", "dev.pgqrs.checkpoint",
            "dev.pgqrs.metrics");

    @Test
    void theModuleExportsTheApiPackagesOnly() {
        assertThat(EngineApi.exportedPackages()).containsExactlyInAnyOrderElementsOf(API);
        assertThat(EngineApi.descriptor().exports()).noneMatch(e -> e.isQualified());
        assertThat(EngineApi.internalPackages()).contains("dev.pgqrs.store", "dev.pgqrs.internal", "dev.pgqrs.payload",
                "dev.pgqrs.signal", "dev.pgqrs.worker", "dev.pgqrs.maintenance");
    }

    @Test
    void noPublicSignatureOfTheApiNamesAnInternalType() throws Exception {
        List<String> leaks = new ArrayList<>();
        for (Class<?> type : apiClasses()) {
            if (!isVisible(type)) {
                continue;
            }
            check(leaks, type, "extends", type.getGenericSuperclass());
            for (Type i : type.getGenericInterfaces()) {
                check(leaks, type, "implements", i);
            }
            for (Field f : type.getDeclaredFields()) {
                if (isVisible(f.getModifiers())) {
                    check(leaks, type, "field " + f.getName(), f.getGenericType());
                }
            }
            for (Method m : type.getDeclaredMethods()) {
                if (isVisible(m.getModifiers()) && !m.isSynthetic()) {
                    checkExecutable(leaks, type, m, m.getName());
                    check(leaks, type, m.getName() + " returns", m.getGenericReturnType());
                }
            }
            for (Constructor<?> c : type.getDeclaredConstructors()) {
                if (isVisible(c.getModifiers()) && !c.isSynthetic()) {
                    checkExecutable(leaks, type, c, "constructor");
                }
            }
        }
        assertThat(leaks).as("public API members that name internal types").isEmpty();
    }

    @Test
    void theApiTypesTheStoreHandsOutHaveNoPublicConstructor() {
        assertThat(dev.pgqrs.workflow.Workflows.class.getConstructors()).isEmpty();
        assertThat(dev.pgqrs.checkpoint.StepCheckpoints.class.getConstructors()).isEmpty();
        assertThat(Store.class.getConstructors()).isEmpty();
    }

    private static void checkExecutable(List<String> leaks, Class<?> owner, Executable e, String name) {
        for (Type p : e.getGenericParameterTypes()) {
            check(leaks, owner, name + " takes", p);
        }
        for (Type x : e.getGenericExceptionTypes()) {
            check(leaks, owner, name + " throws", x);
        }
    }

    private static void check(List<String> leaks, Class<?> owner, String where, Type type) {
        for (Class<?> named : namedClasses(type)) {
            String pkg = named.getPackageName();
            if (pkg.startsWith("dev.pgqrs") && !API.contains(pkg)) {
                leaks.add(owner.getName() + " " + where + " " + named.getName());
            }
        }
    }

    private static List<Class<?>> namedClasses(Type type) {
        List<Class<?>> out = new ArrayList<>();
        if (type instanceof Class<?> c) {
            out.add(c.isArray() ? c.getComponentType() : c);
        } else if (type instanceof ParameterizedType p) {
            out.addAll(namedClasses(p.getRawType()));
            for (Type a : p.getActualTypeArguments()) {
                out.addAll(namedClasses(a));
            }
        } else if (type instanceof GenericArrayType g) {
            out.addAll(namedClasses(g.getGenericComponentType()));
        } else if (type instanceof WildcardType w) {
            for (Type b : w.getUpperBounds()) {
                out.addAll(namedClasses(b));
            }
            for (Type b : w.getLowerBounds()) {
                out.addAll(namedClasses(b));
            }
        } else if (type instanceof TypeVariable<?> v) {
            for (Type b : v.getBounds()) {
                if (b != Object.class) {
                    out.addAll(namedClasses(b));
                }
            }
        }
        return out;
    }

    private static boolean isVisible(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getDeclaringClass()) {
            if (!isVisible(c.getModifiers())) {
                return false;
            }
        }
        return true;
    }

    private static boolean isVisible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static List<Class<?>> apiClasses() throws IOException, ClassNotFoundException {
        Path root = EngineApi.engineRoot();
        List<Class<?>> out = new ArrayList<>();
        for (String pkg : API) {
            Path dir = root.resolve(pkg.replace('.', '/'));
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                    String simple = f.getFileName().toString().replaceAll("\\.class$", "");
                    out.add(Class.forName(pkg + "." + simple.replace('/', '.'), false, Store.class.getClassLoader()));
                }
            }
        }
        assertThat(out).hasSizeGreaterThan(50);
        return out;
    }
}
