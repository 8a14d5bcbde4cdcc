package dev.pgqrs.examples.orders;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Checks, before anything starts, that the HTTP port is free. Vert.x reports a taken port only in its
 * log (a BindException) and lets the app run on without an HTTP server; a second instance started by
 * mistake would then consume the queues unseen. Binding once, as the server will (all interfaces), tells
 * the operator at once. (A port taken in the second between this check and the server's start is not
 * caught: Vert.x reports that failure to Camel only in its log.)
 */
final class HttpPortCheck {

    private HttpPortCheck() {
    }

    static void requireFree(int port) {
        if (port == 0) {
            return; // any free port
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true); // as the server binds: a port in TIME_WAIT is free
            socket.bind(new InetSocketAddress(port));
        } catch (BindException e) {
            throw new AppStartupException("port " + port + " is in use; set APP_HTTP_PORT");
        } catch (IOException e) {
            throw new AppStartupException("cannot listen on port " + port + " (" + e.getMessage() + "); set APP_HTTP_PORT");
        }
    }
}
