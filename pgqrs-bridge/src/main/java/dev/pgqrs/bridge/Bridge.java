package dev.pgqrs.bridge;

import dev.pgqrs.Store;
import dev.pgqrs.bridge.connect.ConnectorRuntime;
import dev.pgqrs.bridge.rest.ConnectorPluginsResource;
import dev.pgqrs.bridge.rest.ConnectorsResource;
import dev.pgqrs.bridge.store.BridgeDatabase;
import dev.pgqrs.bridge.store.ConnectorRepository;
import dev.pgqrs.bridge.store.DeadLetterRepository;
import dev.pgqrs.bridge.store.TaskRepository;
import dev.pgqrs.bridge.validate.ConfigValidator;
import dev.pgqrs.bridge.validate.KameletCatalog;

/** One bridge instance's parts, bound in the registry as {@value BridgeConfiguration#BRIDGE}. */
public record Bridge(BridgeSettings settings, Store store, BridgeDatabase database, ConnectorRepository connectors,
                     TaskRepository tasks, DeadLetterRepository deadLetters, KameletCatalog kamelets,
                     ConfigValidator validator, ConnectorRuntime runtime, ConnectorsResource connectorsResource,
                     ConnectorPluginsResource pluginsResource) {
}
