package dev.pgqrs.examples.orders;

import dev.pgqrs.ConfigException;
import dev.pgqrs.RetryPolicy;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each fulfilment step's retry policy, read from the app's properties; a bad value names its key. */
class StepPoliciesTest {

    @Test
    void eachStepHasThePolicyItsKeysGive() {
        StepPolicies policies = StepPolicies.resolve(properties(Map.of(
                "app.fulfil.charge-payment.max-attempts", "4",
                "app.fulfil.charge-payment.retry-delay", "500ms",
                "app.fulfil.charge-payment.max-retry-delay", "5s",
                "app.fulfil.ship.max-attempts", "8")));

        RetryPolicy charge = policies.of(FulfilmentWorkflow.CHARGE_PAYMENT);
        assertThat(charge.maxAttempts()).isEqualTo(4);
        assertThat(charge.initialDelay()).isEqualTo(Duration.ofMillis(500));
        assertThat(charge.maxDelay()).isEqualTo(Duration.ofSeconds(5));
        assertThat(policies.of(FulfilmentWorkflow.SHIP).maxAttempts()).isEqualTo(8);
        assertThat(policies.of(FulfilmentWorkflow.VALIDATE).maxAttempts()).as("unset: one attempt, no retry").isEqualTo(1);
    }

    @Test
    void aBadValueStopsTheAppNamingTheKey() {
        assertThatThrownBy(() -> StepPolicies.resolve(properties(Map.of("app.fulfil.reserve-stock.max-attempts", "0"))))
                .isInstanceOf(AppStartupException.class)
                .hasMessage("app.fulfil.reserve-stock.max-attempts must be a whole number of at least 1, got '0'");
        assertThatThrownBy(() -> StepPolicies.resolve(properties(Map.of("app.fulfil.ship.retry-delay", "banana"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("app.fulfil.ship.retry-delay").hasMessageContaining("'banana' is not a duration");
        assertThatThrownBy(() -> StepPolicies.resolve(properties(Map.of(
                "app.fulfil.ship.retry-delay", "10s", "app.fulfil.ship.max-retry-delay", "1s"))))
                .isInstanceOf(AppStartupException.class)
                .hasMessageContaining("app.fulfil.ship.max-retry-delay (1000 ms) must not be shorter than app.fulfil.ship.retry-delay");
    }

    private static PropertiesComponent properties(Map<String, String> values) {
        DefaultCamelContext context = new DefaultCamelContext();
        Properties initial = new Properties();
        initial.putAll(values);
        context.getPropertiesComponent().setInitialProperties(initial);
        return context.getPropertiesComponent();
    }
}
