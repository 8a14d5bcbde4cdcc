package dev.pgqrs.cli;

import dev.pgqrs.InvalidPayloadException;
import dev.pgqrs.Producer;
import dev.pgqrs.Store;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code pgqrs message}: send, look at, and replay messages. */
@Command(name = "message", description = "Send messages, peek at a queue, list and replay dead letters.")
final class MessageCommands {

    @ParentCommand
    PgqrsCommand root;

    @Command(name = "send", description = "Send one JSON payload, or every line of an NDJSON file (in batches).")
    int send(@Parameters(paramLabel = "QUEUE") String queue,
             @Parameters(paramLabel = "JSON", arity = "0..1", description = "the payload (or --file)") String json,
             @Option(names = "--file", paramLabel = "FILE", description = "newline-delimited JSON, one payload per line")
             Path file,
             @Option(names = "--delay", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "0s",
                     description = "visible only after this long (default: at once)") Duration delay,
             @Option(names = "--batch-size", paramLabel = "N", defaultValue = "500",
                     description = "payloads per statement with --file (default: 500)") int batchSize) {
        CommandLine self = root.spec.commandLine().getSubcommands().get("message").getSubcommands().get("send");
        if ((json == null) == (file == null)) {
            throw new CommandLine.ParameterException(self, "give the payload as JSON or --file FILE, not both and not neither");
        }
        if (batchSize < 1) {
            throw new CommandLine.ParameterException(self, "--batch-size must be at least 1, was " + batchSize);
        }
        if (json != null) {
            return root.run((store, out) -> {
                long id = store.enqueue(queue, json, delay);
                out.object(sent(queue, List.of(id)));
                return 0;
            });
        }
        NdjsonFile ndjson = NdjsonFile.of(file);
        long total = ndjson.check();
        return root.run((store, out) -> sendFile(store, out, queue, ndjson, total, delay, batchSize));
    }

    private int sendFile(Store store, Output out, String queue, NdjsonFile file, long total, Duration delay, int batchSize) {
        store.queues().get(queue); // a missing queue fails before the bar is drawn
        List<Long> ids = new ArrayList<>();
        ProgressBar bar = new ProgressBar(root.err(), "sending to '" + queue + "'", total, root.interactive());
        try (Producer producer = store.producer(queue)) {
            file.read(batchSize, batch -> {
                try {
                    ids.addAll(producer.enqueueBatch(batch.payloads(), delay));
                } catch (InvalidPayloadException e) {
                    bar.finish();
                    throw new IllegalArgumentException("'" + file.name() + "' lines " + batch.firstLine() + "-" + batch.lastLine()
                            + " were refused (" + e.getMessage() + "); " + ids.size() + " message(s) of the lines before "
                            + batch.firstLine() + " were sent, nothing from line " + batch.firstLine() + " on");
                }
                bar.update(ids.size());
            });
        }
        bar.finish();
        out.object(sent(queue, ids));
        return 0;
    }

    private static Map<String, Object> sent(String queue, List<Long> ids) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("queue", queue);
        answer.put("sent", ids.size());
        answer.put("ids", ids);
        return answer;
    }

    @Command(name = "peek", description = "Messages not archived yet (pending, delayed, leased), oldest first, without "
            + "leasing them.")
    int peek(@Parameters(paramLabel = "QUEUE") String queue,
             @Option(names = "--limit", paramLabel = "N", defaultValue = "10", description = "at most N (default: 10)") int limit) {
        return root.run((store, out) -> {
            out.list(store.queues().peek(queue, limit).stream().map(Rows::message).toList(), Rows.MESSAGE_COLUMNS);
            return 0;
        });
    }

    @Command(name = "dlq", description = "Dead letters of a queue, oldest first, with their last error.")
    int dlq(@Parameters(paramLabel = "QUEUE") String queue,
            @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "at most N (default: 100)") int limit) {
        return root.run((store, out) -> {
            out.list(store.deadLetters().list(queue, limit).stream().map(Rows::message).toList(), Rows.DEAD_LETTER_COLUMNS);
            return 0;
        });
    }

    @Command(name = "replay", description = "Make dead letters deliverable again (fresh delivery count), by id, whatever "
            + "their queues. Exit status 1 if an id was not a dead letter.")
    int replay(@Parameters(paramLabel = "ID", arity = "1..*") List<Long> ids) {
        return root.run((store, out) -> {
            List<Long> replayed = store.deadLetters().replay(ids);
            List<Long> left = ids.stream().distinct().filter(id -> !replayed.contains(id)).toList();
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("replayed", replayed.stream().sorted().toList());
            answer.put("not_dead_letters", left);
            out.object(answer);
            return left.isEmpty() ? 0 : root.fail(left.size() + " id(s) are not dead letters (no such message, or "
                    + "still deliverable): " + String.join(", ", left.stream().map(String::valueOf).toList()));
        });
    }
}
