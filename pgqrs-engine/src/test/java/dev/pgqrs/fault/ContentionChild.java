package dev.pgqrs.fault;

import dev.pgqrs.Store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The second process of {@link ContentionTest}: {@code threads} consumers (each a consumer of its own) drain
 * a queue in competition with the test's, from the moment the test sends {@code GO} until it sends
 * {@code STOP}; then it writes the ids it archived to a file, one per line, and prints
 * {@code ARCHIVED <n> ERRORS <n>}.
 *
 * <p>Arguments: queue, threads, batch size, file for the archived ids.
 */
public final class ContentionChild {

    private ContentionChild() {
    }

    public static void main(String[] args) throws Exception {
        String queue = args[0];
        int threads = Integer.parseInt(args[1]);
        int batch = Integer.parseInt(args[2]);
        Path out = Path.of(args[3]);
        ChildControl control = ChildControl.start();
        CountDownLatch go = new CountDownLatch(1);
        control.on("GO", go::countDown);
        Store store = ChildControl.openStore(b -> b);
        CompetingConsumers consumers = new CompetingConsumers(store, queue, threads, batch, ChildControl::seen);
        ChildControl.say("READY");
        go.await();
        consumers.start();
        control.awaitStop();
        consumers.stop();
        StringBuilder ids = new StringBuilder();
        consumers.archivedIds().forEach(id -> ids.append(id).append('\n'));
        Files.writeString(out, ids);
        ChildControl.say("ARCHIVED " + consumers.archivedIds().size() + " ERRORS " + consumers.errors());
        store.close();
        System.exit(0);
    }
}
