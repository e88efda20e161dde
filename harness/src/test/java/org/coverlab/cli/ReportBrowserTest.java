package org.coverlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.coverlab.report.RunSnapshot;
import org.coverlab.run.RunDir;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The report in a real browser: Debian's chromium, headless, driven through Debian's chromedriver (paths from the
 * system properties {@code coverlab.chromedriver} and {@code coverlab.chromium}; nothing is downloaded). Two small
 * real runs (the demo training loop, a tiny-model grid and the report stage) are compared with {@code coverlab
 * report}; the page must load from file:// with no console error, every image decoded, the tables holding the runs'
 * numbers, the plots present, and no sideways scrolling on a phone-sized window. Screenshots go to
 * {@code target/report-browser/}. Without chromium the test is skipped locally and fails under CI=true.
 */
class ReportBrowserTest {

    private static final Path DRIVER = Path.of(System.getProperty("coverlab.chromedriver", "/usr/bin/chromedriver"));
    private static final Path BROWSER = Path.of(System.getProperty("coverlab.chromium", "/usr/bin/chromium"));
    private static final Path SHOTS = Path.of("target", "report-browser");

    @TempDir
    Path cwd;

    @BeforeEach
    void fastDemo() {
        System.setProperty("coverlab.test.stepMillis", "0");
        System.setProperty("coverlab.test.steps", "15");
    }

    @AfterEach
    void clear() {
        System.clearProperty("coverlab.test.stepMillis");
        System.clearProperty("coverlab.test.steps");
    }

    private static void requireBrowser() {
        boolean present = Files.isExecutable(DRIVER) && Files.isExecutable(BROWSER);
        String why = "the report browser test needs chromium and chromedriver (" + BROWSER + ", " + DRIVER
                + "): apt-get install chromium chromium-driver, or set -Dcoverlab.chromium / -Dcoverlab.chromedriver";
        if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(why);
        }
        assumeTrue(present, why);
    }

    private String realRun(String name, long seed, String lr) throws Exception {
        Path spec = Files.writeString(cwd.resolve(name + ".yaml"), """
                name: %s
                seed: %d
                model: {base: tiny}
                dataset: {resolution: {width: 32, height: 48}}
                train: {learning_rate: %s, checkpoint_every: 5}
                sample:
                  prompts: ["A book cover of Moby-Dick by Herman Melville", "A <b>horror</b> cover for Frankenstein"]
                  seeds: [1, 2]
                  steps: 2
                  every: end
                eval: {metrics: [fid], every: end}
                """.formatted(name, seed, lr));
        InProcessCli.Result r = InProcessCli.coverlab(cwd, "run", spec.toString(), "--stages", "test,sample,report");
        assertEquals(0, r.code(), r.all());
        Matcher m = Pattern.compile("run ([0-9a-z]{8}) finished").matcher(r.out() + r.err());
        assertTrue(m.find(), r.all());
        return m.group(1);
    }

    @Test
    void aStudyReportOfTwoRealRunsLoadsCleanlyInChromiumWithItsNumbersImagesAndPlots() throws Exception {
        requireBrowser();
        String a = realRun("browser-a", 1, "5e-6");
        String b = realRun("browser-b", 2, "1e-5");
        InProcessCli.Result r = InProcessCli.coverlab(cwd, "report", a, b, "--out", "reports/browser.html", "--title", "Browser test");
        assertEquals(0, r.code(), r.all());
        Path page = cwd.resolve("reports/browser.html");

        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        // --no-sandbox: CI runs as root, where chromium's sandbox refuses to start.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        try {
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
            driver.get(page.toUri().toString());
            JavascriptExecutor js = driver;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!Boolean.TRUE.equals(js.executeScript(
                    "return document.readyState === 'complete' && Array.from(document.images).every(i => i.complete);"))) {
                assertTrue(System.nanoTime() < deadline, "images still loading after 30 s");
                Thread.sleep(100);
            }

            List<String> errors = new ArrayList<>();
            for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
                if (e.getLevel().intValue() >= Level.SEVERE.intValue()) {
                    errors.add(e.getMessage());
                }
            }
            assertEquals(List.of(), errors, "console errors");

            List<WebElement> images = driver.findElements(By.tagName("img"));
            assertTrue(images.size() >= 2 * 2 + 2, "grid thumbnails and plots: " + images.size());
            for (WebElement img : images) {
                Number width = (Number) js.executeScript("return arguments[0].naturalWidth;", img);
                assertTrue(width.longValue() > 0, "image not loaded: " + img.getAttribute("alt"));
                assertTrue(!img.getAttribute("alt").isBlank(), "every image has alt text");
            }
            List<WebElement> plots = driver.findElements(By.cssSelector("img.plot"));
            assertTrue(plots.stream().anyMatch(p -> p.getAttribute("alt").equals("Plot: training loss (smoothed) vs step")),
                    "the loss plot is on the page");

            String summary = driver.findElement(By.id("summary-table")).getText();
            for (String id : List.of(a, b)) {
                RunSnapshot run = RunSnapshot.read(new RunDir(id, cwd.resolve("runs").resolve(id)));
                double finalLoss = run.summaryNumber("final_loss").orElseThrow();
                assertTrue(summary.contains(id), summary);
                assertTrue(summary.contains(String.format(Locale.ROOT, "%.4f", finalLoss)),
                        "final loss of " + id + " in the table: " + summary);
                assertTrue(summary.contains(String.valueOf(run.metrics().get("loss").lastKey())), summary);
            }
            String body = driver.findElement(By.tagName("body")).getText();
            assertTrue(body.contains("A <b>horror</b> cover for Frankenstein"), "the prompt is shown as text, not markup");
            assertTrue(body.contains("train.learning_rate"), "the differing spec key");

            Files.createDirectories(SHOTS);
            driver.manage().window().setSize(new Dimension(1280, 3000));
            save(driver.getScreenshotAs(OutputType.FILE), SHOTS.resolve("study-report-laptop.png"));
            driver.manage().window().setSize(new Dimension(390, 844));
            Number overflow = (Number) js.executeScript(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
            assertTrue(overflow.longValue() <= 0, "the page scrolls sideways on a phone by " + overflow + " px");
            save(driver.getScreenshotAs(OutputType.FILE), SHOTS.resolve("study-report-phone.png"));
        } finally {
            driver.quit();
            service.stop();
        }
    }

    private static void save(File shot, Path to) throws Exception {
        Files.copy(shot.toPath(), to, StandardCopyOption.REPLACE_EXISTING);
    }
}
