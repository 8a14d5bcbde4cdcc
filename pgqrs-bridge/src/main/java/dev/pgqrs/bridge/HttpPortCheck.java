package dev.pgqrs.bridge;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Checks that the HTTP port is free before anything starts: Vert.x only logs a taken port and lets the process
 * run on without its REST API (while consuming queues).
 */
final class HttpPortCheck {

    private HttpPortCheck() {
    }

    static void requireFree(int port) {
        if (port == 0) {
            return;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(port));
        } catch (BindException e) {
            throw new BridgeStartupException("port " + port + " is in use; set BRIDGE_HTTP_PORT");
        } catch (IOException e) {
            throw new BridgeStartupException("cannot listen on port " + port + " (" + e.getMessage() + "); set BRIDGE_HTTP_PORT");
        }
    }
}
