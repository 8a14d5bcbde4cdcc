package dev.pgqrs.testing;

import dev.pgqrs.Store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The engine's public surface as its module declares it, and checks that code built on the engine (the Camel
 * component, the example app) reaches only that surface.
 */
public final class EngineApi {

    private EngineApi() {
    }

    /** The engine's module descriptor, read from the compiled {@code module-info.class}. */
    public static ModuleDescriptor descriptor() {
        Path moduleInfo = engineRoot().resolve("module-info.class");
        if (!Files.exists(moduleInfo)) {
            throw new IllegalStateException("the engine has no module-info.class in " + classesOf(Store.class));
        }
        try (InputStream in = Files.newInputStream(moduleInfo)) {
            return ModuleDescriptor.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The packages the engine exports to everyone. */
    public static Set<String> exportedPackages() {
        return descriptor().exports().stream().filter(e -> !e.isQualified()).map(ModuleDescriptor.Exports::source)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** The engine's packages that are not exported (every package of its classes but the exported ones). */
    public static Set<String> internalPackages() {
        Path root = engineRoot();
        Set<String> internal = new TreeSet<>();
        try (Stream<Path> files = Files.walk(root.resolve("dev/pgqrs"))) {
            files.filter(f -> f.toString().endsWith(".class"))
                    .forEach(f -> internal.add(root.relativize(f.getParent()).toString().replace('/', '.').replace('\\', '.')));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        internal.removeAll(exportedPackages());
        return internal;
    }

    /** The root of the engine's classes: its classes directory, or the inside of its jar. */
    public static Path engineRoot() {
        Path classes = classesOf(Store.class);
        if (Files.isDirectory(classes)) {
            return classes;
        }
        try {
            return FileSystems.newFileSystem(classes).getPath("/");
        } catch (FileSystemAlreadyExistsException e) {
            return FileSystems.getFileSystem(java.net.URI.create("jar:" + classes.toUri())).getPath("/");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The directory or jar the given class was loaded from. */
    public static Path classesOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Every class file under {@code classes} that names a type of an internal engine package, as
     * "class file → internal package". Class files name each type they use, in signatures and in code, by its
     * binary name ({@code dev/pgqrs/store/Database}), so a reference cannot hide from this scan.
     */
    public static List<String> internalReferences(Path classes) {
        List<String> internalPaths = internalPackages().stream().map(p -> p.replace('.', '/') + "/").toList();
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                for (String internal : internalPaths) {
                    int at = text.indexOf(internal);
                    // a class of the package itself, not of a sub-package
                    while (at >= 0 && isSubPackage(text, at + internal.length())) {
                        at = text.indexOf(internal, at + 1);
                    }
                    if (at >= 0) {
                        found.add(classes.relativize(file) + " → " + internal.replace('/', '.').replaceAll("\\.$", ""));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    /** Whether the name after a package prefix continues into a sub-package (a '/' before the name ends). */
    private static boolean isSubPackage(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '/') {
                return true;
            }
            if (!Character.isJavaIdentifierPart(c)) {
                return false;
            }
        }
        return false;
    }
}
