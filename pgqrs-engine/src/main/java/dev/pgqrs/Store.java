package dev.pgqrs;

import dev.pgqrs.checkpoint.StepCheckpoints;
import dev.pgqrs.config.Backend;
import dev.pgqrs.config.PgqrsConfig;
import dev.pgqrs.internal.EngineEvents;
import dev.pgqrs.internal.StoreInternals;
import dev.pgqrs.maintenance.ArchiveCleaner;
import dev.pgqrs.maintenance.DedupKeyExpiry;
import dev.pgqrs.maintenance.IdempotencyKeyCleaner;
import dev.pgqrs.maintenance.MaintenanceService;
import dev.pgqrs.maintenance.PeriodicTasks;
import dev.pgqrs.maintenance.RetentionBatches;
import dev.pgqrs.maintenance.RunCleaner;
import dev.pgqrs.maintenance.WorkerReaper;
import dev.pgqrs.payload.PayloadValidator;
import dev.pgqrs.signal.Notifications;
import dev.pgqrs.signal.Linger;
import dev.pgqrs.signal.QueueSignals;
import dev.pgqrs.signal.WakeUps;
import dev.pgqrs.store.Database;
import dev.pgqrs.store.MessageRepository;
import dev.pgqrs.store.QueueRepository;
import dev.pgqrs.store.WorkerRepository;
import dev.pgqrs.worker.LiveWorker;
import dev.pgqrs.worker.WorkerRegistry;
import dev.pgqrs.workflow.Workflows;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A connection to one pgqrs database: the entry to queues, producers, consumers, dead letters,
 * workers and administration. Thread-safe; open one per database and share it. Closing it stops
 * its background tasks, its producers and consumers, and (when it opened it) its connection pool.
 *
 * <p>Obtain one with {@link Pgqrs#connect}.
 */
public final class Store implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Store.class);
    private static final Duration KEY_CLEANING_INTERVAL = Duration.ofMinutes(1);
    /** How often the maintenance service looks for due schedules: a slot fires within about this much of its time. */
    private static final Duration SCHEDULE_INTERVAL = Duration.ofMillis(500);

    private final PgqrsConfig config;
    private final Database database;
    private final MessageRepository messageRows;
    private final QueueRepository queueRows;
    private final WorkerRepository workerRows;
    private final WorkerRegistry workerRegistry;
    private final QueueSignals signals;
    private final Notifications notifications;
    private final WakeUps wakeUps;
    private final PayloadValidator validator;
    private final PeriodicTasks tasks = new PeriodicTasks();
    private final EngineEvents events = new EngineEvents();
    private final Set<AutoCloseable> clients = ConcurrentHashMap.newKeySet();
    private final Set<QueueWorker> queueWorkers = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<String, Producer> ephemeralProducers = new ConcurrentHashMap<>();
    private final Admin admin;
    private final Queues queues;
    private final DeadLetters deadLetters;
    private final Workers workers;
    private final StepCheckpoints checkpoints;
    private final SourceOffsets sourceOffsets;
    private final IdempotencyKeys idempotencyKeys;
    private final Workflows workflows;
    private final Schedules schedules;
    private final StoreInternals internals;
    private volatile MaintenanceService maintenance;
    private volatile boolean closed;

    static {
        StoreInternals.grantAccess(store -> store.internals);
    }

    Store(PgqrsConfig config, Database database) {
        this.config = config;
        this.database = database;
        this.messageRows = new MessageRepository(database.dialect(), config.payloadCodec(), database.queueSettings());
        this.queueRows = new QueueRepository(database.dialect());
        this.workerRows = new WorkerRepository(database.dialect());
        this.workerRegistry = new WorkerRegistry(database, workerRows);
        this.validator = new PayloadValidator(config.payloadLimits(), config.payloadCodec());
        this.admin = new Admin(this);
        this.queues = new Queues(this);
        this.deadLetters = new DeadLetters(this);
        this.workers = new Workers(this);
        this.sourceOffsets = new SourceOffsets(database);
        this.idempotencyKeys = new IdempotencyKeys(database);
        // Other processes' enqueues reach this one only by NOTIFY, debounced: consumers linger one window after work.
        this.signals = new QueueSignals(Linger.forNotifications(
                config.notifications() && database.dialect().notifiesOtherProcesses(), config.notifyDebounce()));
        this.notifications = database.dialect().notifications(database, signals, config);
        this.wakeUps = new WakeUps(signals, notifications, tasks.scheduler());
        this.internals = new StoreInternals(database, signals, workerRegistry, validator, wakeUps, notifications, events);
        this.checkpoints = StoreInternals.create(StepCheckpoints.class, this);
        this.workflows = StoreInternals.create(Workflows.class, this);
        this.schedules = new Schedules(this);
    }

    /** Checks the database, installs the schema if asked to, and starts background tasks. */
    Store start() {
        database.dialect().checkSchema(database, config.schema());
        if (config.installOnConnect()) {
            admin.install();
        }
        tasks.every("heartbeat", config.heartbeatInterval(), this::heartbeat);
        if (config.maintenance()) {
            maintenance = startMaintenance();
        }
        return this;
    }

    /**
     * The maintenance services, run by the one process of this database that is elected leader
     * ({@link MaintenanceService}); every process with maintenance on registers the same tasks. Register new
     * ones here.
     */
    private MaintenanceService startMaintenance() {
        MaintenanceService service = new MaintenanceService(database, config.reaperInterval());
        WorkerReaper reaper = new WorkerReaper(database, config.staleWorkerTimeout());
        service.every("worker reaper", config.reaperInterval(), reaper::reapWhenTrusted);
        // Fires due schedules on the leader; should two processes fire at once (a leadership changing hands), each
        // slot still fires once.
        service.every("schedules", SCHEDULE_INTERVAL, schedules::fireDue);
        // Retention runs even when the defaults keep everything: queues and workflows may have overrides.
        RetentionBatches batches = new RetentionBatches(config.retentionBatchSize(), config.retentionBatchPause(),
                config.retentionShare(), service::isLeader);
        ArchiveCleaner archives = new ArchiveCleaner(database, config.archiveRetentionDefaults(), config.maxReadCount(), batches);
        service.every("archive retention", config.retentionInterval(), archives::cleanOnce);
        RunCleaner runs = new RunCleaner(database, config.runRetentionDefaults(), batches);
        service.every("run retention", config.retentionInterval(), runs::cleanOnce);
        if (config.dedupWindow() != null) {
            DedupKeyExpiry expiry = new DedupKeyExpiry(database, config.dedupWindow());
            service.every("dedup key expiry", KEY_CLEANING_INTERVAL, expiry::expireOnce);
        }
        if (config.idempotencyRetention() != null) {
            IdempotencyKeyCleaner keyCleaner = new IdempotencyKeyCleaner(database, config.idempotencyRetention());
            service.every("idempotency key cleaner", KEY_CLEANING_INTERVAL, keyCleaner::cleanOnce);
        }
        service.start();
        return service;
    }

    /**
     * Whether this process is its database's maintenance leader now, the one store (of those with
     * {@code maintenance} on) that runs the reaper, retention and the other maintenance tasks: elected with a
     * session advisory lock on PostgreSQL, a lease row on SQLite. False when maintenance is off.
     */
    public boolean isMaintenanceLeader() {
        MaintenanceService m = maintenance;
        return m != null && m.isLeader();
    }

    /**
     * Beats this process's workers. With none to beat while the database is known to be away, probes it
     * instead, so {@link #health()} turns back to reachable soon after it returns.
     */
    private void heartbeat() {
        if (workerRegistry.liveCount() > 0) {
            workerRegistry.heartbeat();
        } else if (!database.availability().isReachable()) {
            database.probe();
        }
    }

    public Admin admin() {
        return admin;
    }

    public Queues queues() {
        return queues;
    }

    public DeadLetters deadLetters() {
        return deadLetters;
    }

    public Workers workers() {
        return workers;
    }

    /**
     * Checkpoints of durable steps of queue messages keyed by (run key, step name), e.g. for Camel route
     * segments consumed from a plain queue. (Steps of workflow runs live with the runs: {@link #workflows()}.)
     */
    public StepCheckpoints checkpoints() {
        return checkpoints;
    }

    /**
     * Where the sources feeding queues stand (a Kafka consumer's offsets), written in the transaction that
     * enqueues what was read: a source that resumes from them neither loses nor re-enqueues a record.
     */
    public SourceOffsets sourceOffsets() {
        return sourceOffsets;
    }

    /**
     * Idempotency keys and their first answers (an HTTP intake's {@code Idempotency-Key}, a file already read),
     * taken in the transaction that enqueues the work they stand for.
     */
    public IdempotencyKeys idempotencyKeys() {
        return idempotencyKeys;
    }

    /**
     * Cron schedules that enqueue a message or trigger a workflow run at each slot, fired by the maintenance
     * service once per slot across every process.
     */
    public Schedules schedules() {
        return schedules;
    }

    /** Durable workflows: definitions, runs, workers. */
    public Workflows workflows() {
        return workflows;
    }

    /** A producer for an existing queue, registered as a worker. */
    public Producer producer(String queue) {
        return producer(queue, ProducerOptions.defaults());
    }

    public Producer producer(String queue, ProducerOptions options) {
        QueueInfo q = queues.get(queue);
        LiveWorker w = workerRegistry.register("producer", q.name(), q.id(), options.workerName());
        RateLimiter limiter = options.ratePerSecond() > 0 ? new RateLimiter(options.ratePerSecond(), options.burst()) : null;
        return track(new Producer(this, q, w, limiter));
    }

    /**
     * Starts a worker that handles the messages of an existing queue with {@code handler} (see
     * {@link QueueWorker}), with the default options. Close it to stop it; closing the store stops it too.
     */
    public QueueWorker worker(String queue, MessageHandler handler) {
        return worker(queue, handler, QueueWorkerOptions.defaults());
    }

    public QueueWorker worker(String queue, MessageHandler handler, QueueWorkerOptions options) {
        QueueInfo q = queues.get(queue);
        QueueInfo deadLetterQueue = options.deadLetterQueue() == null ? null : queues.get(options.deadLetterQueue());
        if (deadLetterQueue != null && deadLetterQueue.id() == q.id()) {
            throw new ConfigException("the dead-letter queue of a worker must differ from its queue '" + queue + "'");
        }
        QueueWorker worker = new QueueWorker(this, q, handler, options, deadLetterQueue);
        queueWorkers.add(worker);
        return worker.start();
    }

    /** A consumer for an existing queue, registered as a worker. Close it when done. */
    public Consumer consumer(String queue) {
        return consumer(queue, ConsumerOptions.defaults());
    }

    public Consumer consumer(String queue, ConsumerOptions options) {
        QueueInfo q = queues.get(queue);
        LiveWorker w = workerRegistry.register("consumer", q.name(), q.id(), options.workerName());
        Duration vt = options.visibilityTimeout() != null ? options.visibilityTimeout() : config.visibilityTimeout();
        // A consumer waits on signals: from here on, other processes' enqueues should reach it.
        notifications.startListening();
        return track(new Consumer(this, q, w, vt));
    }

    /**
     * Enqueues without a producer of your own: no worker row is written, however many calls are
     * made. For steady traffic a {@link Producer} is as fast and shows up among the workers.
     */
    public long enqueue(String queue, Object payload) {
        return ephemeralProducer(queue).enqueue(payload);
    }

    public long enqueue(String queue, Object payload, Duration delay) {
        return ephemeralProducer(queue).enqueue(payload, delay);
    }

    public List<Long> enqueueBatch(String queue, List<?> payloads) {
        return ephemeralProducer(queue).enqueueBatch(payloads);
    }

    /** Enqueues on the caller's connection and transaction (see {@link Producer#enqueue(Connection, Object)}). */
    public long enqueue(Connection connection, String queue, Object payload) {
        return ephemeralProducer(queue).enqueue(connection, payload);
    }

    Producer ephemeralProducer(String queue) {
        Producer p = ephemeralProducers.get(queue);
        if (p == null) {
            QueueInfo q = queues.get(queue);
            p = ephemeralProducers.computeIfAbsent(queue, n -> new Producer(this, q, null, null));
        }
        return p;
    }

    /** How this store maps payloads, workflow inputs and results to JSON and back ({@code PgqrsConfig.objectMapper}). */
    public PayloadCodec codec() {
        return config.payloadCodec();
    }

    public PgqrsConfig config() {
        return config;
    }

    /**
     * Whether the database answered this store's last operations, from what they found (no round trip):
     * what a health check should report, at once, even while the database is away.
     */
    public StoreHealth health() {
        return database.availability().snapshot();
    }

    /**
     * Runs {@code work} in one transaction on a connection of the store's pool: committed if it returns,
     * rolled back if it throws. Pass the connection to the {@code Connection} overloads (enqueue, archive,
     * delete, dead-letter) to make them part of it, beside your own statements (the outbox/inbox pattern).
     *
     * <p>On SQLite the transaction holds the store's writer lock, so the store's other writers in this
     * process wait for it in Java instead of meeting "database is locked". A transaction you open on a
     * connection of your own is yours: on SQLite it blocks every other writer of the file, this store's
     * included, and one held longer than {@code sqlite_busy_timeout} makes them fail.
     */
    public <T> T inTransaction(TransactionWork<T> work) {
        return database.transaction("transaction", work::run);
    }

    public Backend backend() {
        return database.backend();
    }

    /**
     * The pool this store's connections come from, to open transactions that its {@code Connection}
     * overloads join (a Camel transaction policy, Spring's {@code DataSourceTransactionManager}). Close every
     * connection you take; on SQLite prefer {@link #inTransaction}, which holds the store's writer lock.
     */
    public DataSource dataSource() {
        return database.dataSource();
    }

    Database database() {
        return database;
    }

    QueueSignals signals() {
        return signals;
    }

    /** What this store's producers, consumers and workers tell the meters (in memory; nothing with no meters bound). */
    EngineEvents events() {
        return events;
    }

    WorkerRegistry workerRegistry() {
        return workerRegistry;
    }

    PayloadValidator validator() {
        return validator;
    }

    MessageRepository messageRows() {
        return messageRows;
    }

    QueueRepository queueRows() {
        return queueRows;
    }

    WorkerRepository workerRows() {
        return workerRows;
    }

    /** Wake-ups around writes that make messages visible: in this process, and by NOTIFY elsewhere. */
    WakeUps wakeUps() {
        return wakeUps;
    }

    /** Cross-process wake-ups (LISTEN/NOTIFY on PostgreSQL; {@link Notifications#NONE} otherwise). */
    Notifications notifications() {
        return notifications;
    }

    /** Drops cached state of a queue that was deleted or purged. */
    void queueRemoved(String name) {
        ephemeralProducers.remove(name);
    }

    private <T extends AutoCloseable> T track(T client) {
        if (closed) {
            throw new PgqrsException("store is closed");
        }
        clients.add(client);
        return client;
    }

    void forget(AutoCloseable client) {
        clients.remove(client);
        if (client instanceof QueueWorker w) {
            queueWorkers.remove(w);
        }
    }

    /** The store's scheduler, shared by its background services. */
    java.util.concurrent.ScheduledExecutorService scheduler() {
        return tasks.scheduler();
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Stops workflow workers, background tasks, this store's producers and consumers (consumers release
     * the leases they still hold), and closes the connection pool the store opened.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Workers first: they finish or give back their work while heartbeats and the pool still work.
        for (QueueWorker w : List.copyOf(queueWorkers)) {
            try {
                w.close();
            } catch (RuntimeException e) {
                LOG.warn("stopping {} failed: {}", w, e.getMessage());
            }
        }
        workflows.close();
        if (maintenance != null) {
            maintenance.close();
        }
        tasks.close();
        notifications.close();
        for (AutoCloseable client : List.copyOf(clients)) {
            try {
                if (client instanceof Consumer) {
                    ((Consumer) client).close(ShutdownMode.RELEASE_HELD);
                } else {
                    client.close();
                }
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", client, e.getMessage());
            }
        }
        signals.signalAll();
        database.close();
    }

    @Override
    public String toString() {
        return "Store{" + database + "}";
    }
}
