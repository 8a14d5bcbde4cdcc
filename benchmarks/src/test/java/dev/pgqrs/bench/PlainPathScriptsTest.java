package dev.pgqrs.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The programs in {@code benchmarks/scripts} run outside the harness, so they must not rot either: each is compiled
 * against today's engine and run tiny. They check their own drains (every message archived once, or they throw).
 */
class PlainPathScriptsTest {

    @TempDir
    Path classes;

    @Test
    void theSqliteProgramDrainsEveryVariant() throws Exception {
        String out = run("PlainPathSqlite", "300", "2", "10");
        assertThat(out).contains("batch 10, today's statements, today's schema",
                "batch 10, 4e5fa53's statements, no flow-control indexes: archive");
    }

    @Test
    void thePostgresProgramCountsEveryStatementOfEveryVariant() throws Exception {
        String out = run("PlainPathPostgres", "1", "300", "10");
        assertThat(out.lines().filter(line -> line.contains(" buffers ") && line.contains(" WAL bytes ")))
                .as("a dequeue and an archive line for each of the six variants:%n%s", out)
                .hasSize(12);
    }

    @Test
    void theMetricsProgramComparesBothWaysOnBothBackends() throws Exception {
        String out = run("QueueMetricsStatements", "3", "200", "2");
        assertThat(out.lines().filter(line -> line.contains("one ÷ per queue")))
                .as("a line per backend, the two ways agreeing on every queue's counts:%n%s", out)
                .hasSize(2);
    }

    private String run(String program, String... args) throws Exception {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int compiled = javac.run(null, null, null, "-encoding", "UTF-8", "-proc:none",
                "-cp", System.getProperty("java.class.path"), "-d", classes.toString(),
                Path.of("scripts", program + ".java").toString());
        assertThat(compiled).as("javac of scripts/" + program + ".java").isZero();
        PrintStream console = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                getClass().getClassLoader())) {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            loader.loadClass(program).getMethod("main", String[].class).invoke(null, (Object) args);
        } finally {
            System.setOut(console);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        console.print(out);
        return out;
    }
}
