package dev.pgqrs;

import dev.pgqrs.testing.EngineApi;
import dev.pgqrs.testing.ModularApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine works as a named module: an application on the class path, with the engine and its dependencies
 * on the module path, runs a queue worker and a workflow on a real SQLite file, and cannot open the engine's
 * internals. This catches what compiling {@code module-info} cannot: resources and reflection at run time.
 */
class ModulePathTest {

    @Test
    void anApplicationRunsOnTheEngineAsANamedModuleAndCannotOpenItsInternals(@TempDir Path dir) throws Exception {
        Path engine = EngineApi.classesOf(Store.class);
        Path app = EngineApi.classesOf(ModularApp.class);
        List<String> modulePath = new ArrayList<>();
        modulePath.add(engine.toString());
        modulePath.addAll(dependencyJars(EngineApi.descriptor()));
        Path log = dir.resolve("child.log");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--module-path", String.join(File.pathSeparator, modulePath),
                "--add-modules", "dev.pgqrs.engine",
                "-cp", app.toString(),
                ModularApp.class.getName(), dir.resolve("modular.db").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("the application finished").isTrue();
        String output = Files.readString(log, StandardCharsets.UTF_8);

        assertThat(child.exitValue()).as(output).isZero();
        assertThat(output).contains("module dev.pgqrs.engine named true")
                .contains("handled Order[id=A-1, quantity=2]")
                .contains("workflow label-B-2")
                .contains("internals sealed: InaccessibleObjectException");
    }

    /** The jars of the engine's required modules, and of theirs, found among this JVM's class path. */
    private static List<String> dependencyJars(ModuleDescriptor engine) {
        Map<String, Path> byModule = new HashMap<>();
        Map<String, ModuleDescriptor> descriptors = new HashMap<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path jar = Path.of(entry);
            if (!entry.endsWith(".jar") || !Files.isRegularFile(jar)) {
                continue;
            }
            try {
                for (ModuleReference ref : ModuleFinder.of(jar).findAll()) {
                    byModule.putIfAbsent(ref.descriptor().name(), jar);
                    descriptors.putIfAbsent(ref.descriptor().name(), ref.descriptor());
                }
            } catch (RuntimeException notAModule) {
                // a jar with no usable module name: the engine does not need it
            }
        }
        Set<String> needed = new LinkedHashSet<>();
        Deque<ModuleDescriptor> todo = new ArrayDeque<>(List.of(engine));
        while (!todo.isEmpty()) {
            for (ModuleDescriptor.Requires r : todo.pop().requires()) {
                String name = r.name();
                boolean optional = r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC);
                if (ModuleFinder.ofSystem().find(name).isPresent() || optional || !needed.add(name)) {
                    continue;
                }
                assertThat(byModule).as("module %s, required by the engine, is on the class path", name).containsKey(name);
                todo.push(descriptors.get(name));
            }
        }
        return needed.stream().map(n -> byModule.get(n).toString()).toList();
    }
}
