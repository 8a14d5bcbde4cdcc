package dev.pgqrs.examples.admin;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator dashboard: the static files of {@code dashboard/} on the class path (plain HTML, CSS and
 * JavaScript modules, no build step), served under {@code /dashboard} by the app's own HTTP server. It reads
 * the admin API ({@link AdminRoutes}) and the connectors' REST API. Only names of the folder's own files are
 * served (no path is resolved from the request), each with its content type; anything else is 404 in JSON.
 */
public final class DashboardRoutes extends RouteBuilder {

    static final String FOLDER = "dashboard/";
    private static final Pattern FILE = Pattern.compile("/dashboard(?:/([a-z0-9-]+\\.(html|css|js|svg)))?/?");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "svg", "image/svg+xml");

    private final Map<String, byte[]> files = new ConcurrentHashMap<>();

    @Override
    public void configure() {
        from("platform-http:/dashboard?matchOnUriPrefix=true&httpMethodRestrict=GET").routeId("admin-dashboard")
            .process(this::serve);
    }

    private void serve(Exchange e) {
        String path = e.getMessage().getHeader(Exchange.HTTP_PATH, "", String.class);
        Matcher m = FILE.matcher(path);
        String name = !m.matches() ? null : m.group(1) == null ? "index.html" : m.group(1);
        byte[] content = name == null ? null : files.computeIfAbsent(name, DashboardRoutes::read);
        var out = e.getMessage();
        out.getHeaders().clear();
        if (content == null || content.length == 0) {
            out.setHeader(Exchange.HTTP_RESPONSE_CODE, 404);
            out.setHeader(Exchange.CONTENT_TYPE, "application/json");
            out.setBody(AdminJson.write(AdminAnswer.error(404, "no such file of the dashboard: " + path).body()));
            return;
        }
        String extension = name.substring(name.lastIndexOf('.') + 1);
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        out.setHeader(Exchange.CONTENT_TYPE, TYPES.get(extension));
        out.setHeader("Cache-Control", "no-cache");
        out.setBody(content);
    }

    /** The file's bytes, or an empty array for a name the folder does not have (remembered: the jar does not change). */
    private static byte[] read(String name) {
        try (InputStream in = DashboardRoutes.class.getClassLoader().getResourceAsStream(FOLDER + name)) {
            return in == null ? new byte[0] : in.readAllBytes();
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot read " + FOLDER + name + " from the class path", ex);
        }
    }
}
