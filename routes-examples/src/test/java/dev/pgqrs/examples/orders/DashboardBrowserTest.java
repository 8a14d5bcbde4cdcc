package dev.pgqrs.examples.orders;

import dev.pgqrs.Consumer;
import dev.pgqrs.Message;
import dev.pgqrs.QueueMetrics;
import dev.pgqrs.Store;
import dev.pgqrs.bridge.store.BridgeDatabase;
import dev.pgqrs.bridge.store.ConnectorRepository;
import dev.pgqrs.bridge.store.TargetState;
import dev.pgqrs.testing.BackendInvocations;
import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.workflow.RunStatus;
import dev.pgqrs.workflow.Workflow;
import dev.pgqrs.workflow.WorkflowWorker;
import dev.pgqrs.workflow.WorkflowWorkerOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dashboard in a real headless Chromium (Debian's {@code chromium} and {@code chromedriver}, which
 * {@code .ci/run} installs; {@code -Ddashboard.chromium=…} and {@code -Ddashboard.chromedriver=…} point
 * elsewhere), on the running app: each page shows what the store holds, and each button's effect is checked in
 * the store through the engine's and the bridge's own API — a connector paused and resumed, a dead letter
 * replayed, a run cancelled, a paused run resumed — not only on the page. With
 * {@code -Ddashboard.screenshots=DIR} (the README's are {@code docs/dashboard}) it writes a PNG of each page
 * there. Written once, run on SQLite and on PostgreSQL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DashboardBrowserTest {

    private static final Duration PAGE = Duration.ofSeconds(20);
    private static final String CHROMIUM = System.getProperty("dashboard.chromium", "/usr/bin/chromium");
    private static final String CHROMEDRIVER = System.getProperty("dashboard.chromedriver", "/usr/bin/chromedriver");

    RunningApp app;
    WebDriver browser;
    WorkflowWorker approvals;
    long queuedRun;
    long pausedRun;
    long failedRun;
    List<Long> deadLetters;

    abstract BackendKind backendKind();

    @BeforeAll
    void start() throws Exception {
        assumeTrue(BackendInvocations.enabledBackends().contains(backendKind()), "PGQRS_TEST_BACKENDS leaves out " + backendKind());
        assertThat(Path.of(CHROMEDRIVER)).as("chromedriver: apt-get install -y chromium chromium-driver (.ci/run does)").isExecutable();
        assertThat(Path.of(CHROMIUM)).as("chromium: apt-get install -y chromium chromium-driver (.ci/run does)").isExecutable();
        app = RunningApp.start(backendKind(), Map.of());
        seed(app.store());

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1440,960");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    /** What an operator would find: orders fulfilled and declined, dead letters, a run due later, a run paused. */
    private void seed(Store store) throws Exception {
        for (String id : List.of("D-1001", "D-1002", "D-1003")) {
            app.postJson("/orders", "{\"orderId\":\"" + id + "\",\"customer\":\"ACME\",\"items\":[{\"sku\":\"KB-42\",\"quantity\":1}]}");
        }
        app.postJson("/orders", "{\"orderId\":\"D-1004\",\"payment\":{\"card\":\"4000 0000 0000 0002\"},\"items\":[{\"sku\":\"MS-7\",\"quantity\":1}]}");
        failedRun = app.awaitRun("D-1004", "ERROR").path("runId").asLong();
        app.awaitRun("D-1003", "SUCCESS");

        store.queues().create("invoices");
        store.enqueueBatch("invoices", List.of(Map.of("invoice", "INV-7", "orderId", "D-1001", "amount", 89.9),
                Map.of("invoice", "INV-8", "orderId", "D-1002", "amount", 24.5)));
        try (Consumer consumer = store.consumer("invoices")) {
            List<Message> leased = consumer.dequeue(2);
            consumer.deadLetter(leased, "ledger refused the invoice: account 4711 is closed");
            deadLetters = leased.stream().map(Message::id).toList();
        }
        queuedRun = store.workflows().trigger("fulfil-order",
                Map.of("orderId", "D-2001", "items", List.of(Map.of("sku", "HD-1", "quantity", 1))), Duration.ofHours(1)).id();

        Workflow<String, String> approval = Workflow.define("refund-approval", String.class, String.class, (ctx, refund) -> {
            String checked = ctx.step("check-refund", String.class, () -> refund + " checked");
            ctx.pause("manager-sign-off");
            return ctx.step("issue-refund", String.class, () -> checked + ", issued");
        });
        approvals = store.workflows().startWorker(approval, WorkflowWorkerOptions.defaults().pollInterval(Duration.ofMillis(100)));
        pausedRun = store.workflows().trigger(approval, "refund R-17").id();
        await().atMost(PAGE).until(() -> store.workflows().get(pausedRun).status() == RunStatus.PAUSED);
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (browser != null) {
                browser.quit();
            }
            if (approvals != null) {
                approvals.close();
            }
        } finally {
            if (app != null) {
                app.close();
            }
        }
    }

    @Test
    void theQueuesPageShowsDepthAndRatesFromTwoReads() throws Exception {
        Store store = app.store();
        open("queues");
        for (String queue : List.of("invoices", "fulfil-order", "orders")) {
            String row = "#queues-table tr[data-queue='" + queue + "']";
            until(() -> {
                QueueMetrics m = store.queues().metrics(queue);
                return cell(row, "depth").equals(Long.toString(m.pending() + m.leased() + m.delayed()))
                        && cell(row, "deadLettered").equals(Long.toString(m.deadLettered()));
            });
        }
        // the first read has no rate; the page's next reads, a refresh later, have one: the orders taken in since
        // the read before, over the seconds between the two
        String fulfil = "#queues-table tr[data-queue='fulfil-order']";
        until(() -> !cell(fulfil, "enqueuedPerSecond").equals("…"));
        for (int i = 1; i <= 6; i++) {
            app.postJson("/orders", "{\"orderId\":\"Q-" + i + "\",\"items\":[{\"sku\":\"CB-5\",\"quantity\":1}]}");
        }
        until(() -> Double.parseDouble(cell(fulfil, "enqueuedPerSecond")) > 0);
        screenshot("queues");
    }

    @Test
    void pauseOnAConnectorPausesItInTheStoreAndResumeRunsItAgain() throws Exception {
        ConnectorRepository connectors = new ConnectorRepository(new BridgeDatabase(app.store()));
        String partner = "#connectors-table tr[data-connector='partner-orders']";
        open("connectors");
        until(() -> cell(partner, "state").equals("RUNNING"));
        assertThat(browser.findElements(By.cssSelector("#connectors-table tr[data-connector]"))).hasSize(3);

        click(partner + " button[data-action='pause']");
        await().atMost(PAGE).until(() -> connectors.find("partner-orders").orElseThrow().targetState() == TargetState.PAUSED);
        until(() -> cell(partner, "state").equals("PAUSED"));
        assertThat(connectors.find("returns-intake").orElseThrow().targetState()).isEqualTo(TargetState.RUNNING);
        screenshot("connectors");

        click(partner + " button[data-action='resume']");
        await().atMost(PAGE).until(() -> connectors.find("partner-orders").orElseThrow().targetState() == TargetState.RUNNING);
        until(() -> cell(partner, "state").equals("RUNNING"));
    }

    @Test
    void replayOnADeadLetterMakesItDeliverableAgainInTheStore() throws Exception {
        open("dead-letters");
        until(() -> {
            new Select(browser.findElement(By.id("dead-letters-queue"))).selectByValue("invoices");
            return true;
        });
        String first = "#dead-letters-table tr[data-message='" + deadLetters.get(0) + "']";
        until(() -> text(first).contains("INV-7") && text(first).contains("ledger refused the invoice: account 4711 is closed"));
        screenshot("dead-letters");

        click(first + " button[data-action='replay']");
        await().atMost(PAGE).untilAsserted(() ->
                assertThat(app.store().deadLetters().list("invoices", 10)).extracting(Message::id).containsExactly(deadLetters.get(1)));
        assertThat(app.store().queues().metrics("invoices").pending()).as("deliverable again").isEqualTo(1);
        until(() -> browser.findElements(By.cssSelector(first)).isEmpty());
        assertThat(browser.findElements(By.cssSelector("#dead-letters-table tr[data-message='" + deadLetters.get(1) + "']"))).hasSize(1);
    }

    @Test
    void runsAreFilteredByStatusShowTheirStepsAndAreCancelledAndResumedInTheStore() throws Exception {
        String failed = "#runs-table tr[data-run='" + failedRun + "']";
        String queued = "#runs-table tr[data-run='" + queuedRun + "']";
        String paused = "#runs-table tr[data-run='" + pausedRun + "']";
        open("runs");
        new Select(browser.findElement(By.id("runs-status"))).selectByValue("ERROR");
        until(() -> browser.findElements(By.cssSelector(queued)).isEmpty() && !browser.findElements(By.cssSelector(failed)).isEmpty());
        until(() -> browser.findElements(By.cssSelector("#runs-table [data-field='status']")).stream()
                .allMatch(status -> status.getText().equals("ERROR")));
        click(failed + " button[data-action='steps']");
        String charge = "#steps-table tr[data-step='charge-payment']";
        until(() -> text(charge).contains("ERROR") && text(charge).contains("declined") && cell(charge, "attempts").equals("1"));

        new Select(browser.findElement(By.id("runs-status"))).selectByValue("");
        until(() -> !browser.findElements(By.cssSelector(queued + " button[data-action='cancel']")).isEmpty()
                && !browser.findElements(By.cssSelector(paused + " button[data-action='resume']")).isEmpty());
        screenshot("runs");

        click(queued + " button[data-action='cancel']");
        await().atMost(PAGE).until(() -> app.store().workflows().get(queuedRun).status() == RunStatus.CANCELLED);
        until(() -> cell(queued, "status").equals("CANCELLED"));

        click(paused + " button[data-action='resume']");
        await().atMost(PAGE).until(() -> app.store().workflows().get(pausedRun).status() == RunStatus.SUCCESS);
        assertThat(app.store().workflows().get(pausedRun).output().asText()).isEqualTo("refund R-17 checked, issued");
        until(() -> cell(paused, "status").equals("SUCCESS"));
    }

    private void open(String page) {
        browser.get("http://localhost:" + app.port + "/dashboard/#" + page);
        new WebDriverWait(browser, PAGE).until(b -> page.equals(b.findElement(By.tagName("body")).getDomAttribute("data-loaded")));
        assertThat(browser.findElement(By.id("status")).getDomAttribute("class")).as(browser.findElement(By.id("status")).getText())
                .isNullOrEmpty();
    }

    /**
     * Waits for a condition on the page, read anew at each try: the page renders its rows again on every refresh,
     * so an element found a moment ago may be gone (stale), and one not there yet may come.
     */
    private void until(BooleanSupplier condition) {
        new WebDriverWait(browser, PAGE).ignoring(StaleElementReferenceException.class).ignoring(NoSuchElementException.class)
                .until(b -> condition.getAsBoolean());
    }

    /** Clicks the element once it is there (found anew should a refresh replace it). */
    private void click(String css) {
        until(() -> {
            browser.findElement(By.cssSelector(css)).click();
            return true;
        });
    }

    private String text(String css) {
        return browser.findElement(By.cssSelector(css)).getText();
    }

    private String cell(String rowCss, String field) {
        return browser.findElement(By.cssSelector(rowCss + " [data-field='" + field + "']")).getText().trim();
    }

    /** With -Ddashboard.screenshots=DIR: the page as the browser shows it, DIR/NAME.png. */
    private void screenshot(String name) throws IOException {
        String dir = System.getProperty("dashboard.screenshots");
        if (dir == null || dir.isBlank()) {
            return;
        }
        Path folder = Files.createDirectories(Path.of(dir));
        Files.write(folder.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }
}

class DashboardBrowserSqliteTest extends DashboardBrowserTest {
    @Override
    BackendKind backendKind() {
        return BackendKind.SQLITE;
    }
}

class DashboardBrowserPostgresTest extends DashboardBrowserTest {
    @Override
    BackendKind backendKind() {
        return BackendKind.POSTGRES;
    }
}
