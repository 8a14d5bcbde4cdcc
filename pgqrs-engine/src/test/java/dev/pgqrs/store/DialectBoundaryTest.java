package dev.pgqrs.store;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.pgqrs.config.Backend;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The layering rule, on the engine's compiled classes: a backend difference lives in its dialect
 * ({@code dev.pgqrs.store.postgres}, {@code dev.pgqrs.store.sqlite}). No other class names a backend
 * ({@code Backend.POSTGRES}/{@code SQLITE}, an enum switch included) or uses a dialect package's classes,
 * except {@link DatabaseFactory}, which chooses the dialect, and {@code dev.pgqrs.config}, which reads
 * the backend from a DSN.
 */
class DialectBoundaryTest {

    private static final String[] DIALECTS = {"dev.pgqrs.store.postgres..", "dev.pgqrs.store.sqlite.."};

    private static final JavaClasses ENGINE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("dev.pgqrs");

    @Test
    void onlyTheDialectsTheFactoryAndTheConfigurationNameABackend() {
        noClasses().that().resideOutsideOfPackages(concat(DIALECTS, "dev.pgqrs.config.."))
                .and().doNotBelongToAnyOf(DatabaseFactory.class)
                .should().accessField(Backend.class, Backend.POSTGRES.name())
                .orShould().accessField(Backend.class, Backend.SQLITE.name())
                .because("a backend difference is a Dialect method, not a branch on the backend")
                .check(ENGINE);
    }

    @Test
    void onlyTheFactoryUsesTheDialectPackages() {
        noClasses().that().resideOutsideOfPackages(DIALECTS)
                .and().doNotBelongToAnyOf(DatabaseFactory.class)
                .should().dependOnClassesThat().resideInAnyPackage(DIALECTS)
                .because("the rest of the engine sees a backend only through its Dialect")
                .check(ENGINE);
    }

    private static String[] concat(String[] packages, String more) {
        String[] out = java.util.Arrays.copyOf(packages, packages.length + 1);
        out[packages.length] = more;
        return out;
    }
}
