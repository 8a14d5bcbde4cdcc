package dev.pgqrs.fault;

import dev.pgqrs.testing.LogCapture;
import dev.pgqrs.testing.RestartablePostgres;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Secrets in Camel routes: a route whose endpoint names a DSN with a wrong password, or a malformed DSN
 * carrying one, fails to start with an error that names no password — neither does anything Camel or
 * the library logged meanwhile (Camel quotes endpoint URIs in its errors and logs).
 */
@ExtendWith(FaultSuite.class)
class CamelSecretsTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"wrong password", "malformed DSN"})
    void aRouteWhoseDsnIsRefusedNamesNoPassword(String kind) throws Exception {
        Assumptions.assumeTrue(FaultBackend.postgresEnabled(), "PostgreSQL is not among PGQRS_TEST_BACKENDS");
        RestartablePostgres pg = RestartablePostgres.shared();
        pg.start();
        String secret = "camel-" + pg.password();
        FaultSuite.secret(secret);
        FaultSuite.secret(pg.password());
        String dsn = kind.equals("wrong password") ? pg.dsn(secret)
                : "postgres://" + RestartablePostgres.APP_ROLE + ":" + secret + "@localhost:notaport/" + RestartablePostgres.DATABASE;
        LogCapture.Mark mark = LogCapture.global().mark();
        CamelContext context = new DefaultCamelContext();
        try {
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("pgqrs:fault-secrets?dsn=" + dsn + "&delay=100").routeId("fault-secrets").to("log:fault-secrets");
                }
            });
            Throwable refused = catchThrowable(context::start);
            assertThat(refused).as("starting a route whose DSN is refused (%s)", kind).isNotNull();
            LogCapture.global().exception(refused);
            LogCapture.global().text(String.valueOf(context.getRoutes()));
            context.getEndpoints().forEach(e -> LogCapture.global().text(e.getEndpointUri() + " " + e));
        } finally {
            context.stop();
        }
        FaultSuite.assertNoSecretCapturedSince(mark);
    }
}
