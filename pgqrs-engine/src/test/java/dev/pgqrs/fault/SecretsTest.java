package dev.pgqrs.fault;

import dev.pgqrs.ConfigException;
import dev.pgqrs.Pgqrs;
import dev.pgqrs.PgqrsException;
import dev.pgqrs.Store;
import dev.pgqrs.StoreUnavailableException;
import dev.pgqrs.config.Dsn;
import dev.pgqrs.config.PgqrsConfig;
import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.testing.LogCapture;
import dev.pgqrs.testing.RestartablePostgres;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * Secrets: a connection refused for a wrong password, and DSNs too malformed to parse that carry a
 * password, fail with a clear error that names what is wrong — and neither that error (message, causes,
 * stack) nor anything logged meanwhile (by the library, HikariCP or the driver, at DEBUG too) contains
 * the password, the wrong one or the real one. Neither does a store's health after the database went
 * away, nor any {@code toString()} of the configuration. With {@link FaultSuite}, every fault test class
 * checks its captures for the passwords when it ends (so the whole suite's are checked); this class adds
 * the failures no other test provokes.
 */
@ExtendWith(FaultSuite.class)
class SecretsTest {

    /** A password carried by malformed DSNs; distinctive, so finding it anywhere cannot be a coincidence. */
    private static final String SECRET = "Malformed-Dsn-S3cret-4711";

    static {
        FaultSuite.secret(SECRET);
    }

    @Test
    void aWrongPasswordIsRefusedWithAClearErrorThatNamesNoPassword() {
        Assumptions.assumeTrue(FaultBackend.postgresEnabled(), "PostgreSQL is not among PGQRS_TEST_BACKENDS");
        RestartablePostgres pg = RestartablePostgres.shared();
        pg.start();
        FaultSuite.secret(pg.password());
        String wrong = "wrong-" + pg.password();
        FaultSuite.secret(wrong);
        LogCapture.Mark mark = LogCapture.global().mark();
        List<String> forms = List.of(
                pg.dsn(wrong),
                "jdbc:postgresql://localhost:" + pg.port() + "/" + RestartablePostgres.DATABASE + "?user="
                        + RestartablePostgres.APP_ROLE + "&password=" + wrong);
        for (String dsn : forms) {
            PgqrsConfig config = PgqrsConfig.builder().dsn(dsn).connectionTimeout(Duration.ofSeconds(2)).build();
            LogCapture.global().text(config.toString());
            StoreUnavailableException refused = catchThrowableOfType(StoreUnavailableException.class, () -> Pgqrs.connect(config));
            assertThat(refused).as("connecting with a wrong password").isNotNull();
            LogCapture.global().exception(refused);
            assertThat(refused.getMessage()).as("the error says why").contains("password authentication failed")
                    .contains(RestartablePostgres.APP_ROLE);
        }
        // And from the environment, as an application configures it.
        PgqrsConfig fromEnvironment = PgqrsConfig.load(Map.of("PGQRS_DSN", pg.dsn(wrong), "PGQRS_CONNECTION_TIMEOUT", "2s"));
        LogCapture.global().text(fromEnvironment.toString());
        LogCapture.global().exception(catchThrowableOfType(StoreUnavailableException.class, () -> Pgqrs.connect(fromEnvironment)));

        assertThat(LogCapture.global().events(mark)).as("log events of the refused connections").isNotEmpty();
        FaultSuite.assertNoSecretCapturedSince(mark);
        FaultFigures.of("secrets/wrong-password").iterations(forms.size() + 1).messages(0).lost(0).duplicated(0).redelivered(0)
                .recoveryMillis(0).put("log_lines", LogCapture.global().events(mark).size()).put("secrets_checked", FaultSuite.secrets())
                .print();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "postgres://app:" + SECRET + "@localhost:notaport/db",
            "postgres://app:" + SECRET + "@localhost:99999/db",
            "postgres://app:" + SECRET + "@/db",
            "postgresql://app:%zz" + SECRET + "@localhost:5432/db",
            "mysql://app:" + SECRET + "@localhost:3306/db",
            "postgres://app:" + SECRET + "/with-a-slash@localhost:5432/db",
            "postgres://app:" + SECRET + "?with-a-question-mark@localhost:5432/db",
            "postgres://app:" + SECRET + "#with-a-hash@localhost:5432/db",
    })
    void aMalformedDsnIsRefusedWithAClearErrorThatNamesNoPassword(String dsn) {
        LogCapture.Mark mark = LogCapture.global().mark();
        ConfigException refused = catchThrowableOfType(ConfigException.class, () -> Dsn.parse(dsn));
        assertThat(refused).as("parsing a malformed DSN").isNotNull();
        LogCapture.global().exception(refused);
        assertThat(refused.getMessage()).as("the error names the DSN's problem").containsIgnoringCase("DSN");
        for (Runnable attempt : List.<Runnable>of(
                () -> PgqrsConfig.builder().dsn(dsn).build(),
                () -> PgqrsConfig.load(Map.of("PGQRS_DSN", dsn)),
                () -> Pgqrs.connect(dsn))) {
            PgqrsException e = catchThrowableOfType(PgqrsException.class, attempt::run);
            assertThat(e).as("every way in refuses it").isNotNull();
            LogCapture.global().exception(e);
        }
        assertThat(LogCapture.global().containing(SECRET, mark)).as("captured texts with the password (shown as <SECRET>)")
                .isEmpty();
    }

    @Test
    void theHealthOfAStoreWhoseDatabaseWentAwayNamesNoPassword() throws Exception {
        Assumptions.assumeTrue(FaultBackend.postgresEnabled(), "PostgreSQL is not among PGQRS_TEST_BACKENDS");
        LogCapture.Mark mark = LogCapture.global().mark();
        try (FaultBackend db = FaultBackend.create(BackendKind.POSTGRES)) {
            Store store = db.openInstalled(b -> b.heartbeatInterval(Duration.ofMillis(500)).connectionTimeout(Duration.ofSeconds(1)));
            store.queues().create("fault-secrets");
            store.producer("fault-secrets").enqueue(Map.of("n", 1));
            LogCapture.global().text(store.toString());
            LogCapture.global().text(store.config().toString());
            try {
                db.postgres().stop();
                await("the store notices").atMost(Duration.ofSeconds(30)).until(() -> !store.health().reachable());
                LogCapture.global().text(store.health().toString());
                LogCapture.global().exception(catchThrowableOfType(PgqrsException.class, () -> store.enqueue("fault-secrets", Map.of("n", 2))));
            } finally {
                db.postgres().start();
            }
            await("the store is back").atMost(Duration.ofSeconds(30)).until(() -> store.health().reachable());
            assertThat(store.health().lastError()).as("the last connection error is kept").isNotBlank();
            LogCapture.global().text(store.health().toString());
        }
        FaultSuite.assertNoSecretCapturedSince(mark);
    }
}
