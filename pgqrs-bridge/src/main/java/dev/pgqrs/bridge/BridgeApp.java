package dev.pgqrs.bridge;

import dev.pgqrs.PgqrsException;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * The pgqrs bridge: connectors made of Camel YAML designs and Kamelets, on pgqrs queues, operated over a REST
 * API of Kafka Connect's shape. {@code java -jar pgqrs-bridge.jar}; settings in {@code application.properties},
 * {@code bridge.properties} (or {@code BRIDGE_CONFIG_FILE}) and the environment (see the module README).
 */
public final class BridgeApp {

    private static final Logger LOG = LoggerFactory.getLogger(BridgeApp.class);

    private BridgeApp() {
    }

    public static void main(String[] args) throws Exception {
        try {
            newMain(Map.of()).run(args);
        } catch (Exception e) {
            String reason = operatorReason(e);
            if (reason == null) {
                throw e;
            }
            LOG.error("pgqrs bridge cannot start: {}", reason);
            System.exit(1);
        }
    }

    static String operatorReason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BridgeStartupException || t instanceof PgqrsException) {
                return t.getMessage();
            }
        }
        return null;
    }

    /** The bridge's Camel Main, not started; {@code overrides} win over every file and variable (tests, embedding). */
    public static Main newMain(Map<String, String> overrides) {
        Main main = new Main();
        String file = System.getenv().getOrDefault("BRIDGE_CONFIG_FILE", "bridge.properties");
        main.setPropertyPlaceholderLocations("classpath:application.properties,file:" + file + ";optional=true");
        overrides.forEach(main::addOverrideProperty);
        main.configure().addConfiguration(new BridgeConfiguration());
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterStart(BaseMainSupport m) {
                Bridge b = m.getCamelContext().getRegistry().lookupByNameAndType(BridgeConfiguration.BRIDGE, Bridge.class);
                if (b != null) {
                    BridgeSettings s = b.settings();
                    LOG.info("""

                            pgqrs bridge is running
                              instance  {}
                              store     {} ({})
                              rest      http://localhost:{}/connectors   (Kafka Connect's API: GET /connectors, POST /connectors, ...)
                              designs   {}
                            Stop with Ctrl-C.""", s.instanceId(), s.dsn(), s.dsn().backend(), s.httpPort(),
                            s.hasDesigns() ? s.designsDescription() : "none (set BRIDGE_DESIGNS to a Karavan project folder)");
                }
            }
        });
        return main;
    }
}
