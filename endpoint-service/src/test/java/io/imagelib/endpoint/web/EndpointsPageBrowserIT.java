package io.imagelib.endpoint.web;

import static io.imagelib.endpoint.kafka.Records.adminUrl;
import static io.imagelib.endpoint.kafka.Records.health;
import static io.imagelib.endpoint.kafka.Records.role;
import static org.assertj.core.api.Assertions.assertThat;

import io.imagelib.avro.HealthStatus;
import io.imagelib.endpoint.EndpointServiceApplication;
import io.imagelib.endpoint.it.ServiceUnderTest;
import io.imagelib.schemas.topics.Topics;
import io.imagelib.testing.KafkaTestBroker;
import io.imagelib.testing.TypedKafka;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The API Endpoints page in headless Chromium against the whole service on a real broker: three hosts show up,
 * the admin's host goes DOWN and both the DOWN mark and the admin mark move without a reload; with a token the
 * page sets the admin through PATCH and shows the refusal detail. Skipped where Debian's chromium and
 * chromium-driver are not installed (src/test/browser-prereqs.sh installs them); the check runs before the broker
 * starts, so a skip costs nothing.
 */
@EnabledIf("browserInstalled")
@SpringBootTest(classes = EndpointServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext // the application must stop before this class's broker does
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndpointsPageBrowserIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String ADMIN_TOKEN = "page-it-admin-token";
    private static final String REGION = "SJC";
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Set on the page's window once; still there later only if the page was never reloaded. */
    private static final String NO_RELOAD_MARK = "window.__endpointsPageMark";

    @RegisterExtension
    static KafkaTestBroker kafka = new KafkaTestBroker();

    private static ChromeDriver browser;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ServiceUnderTest.onBroker(registry, kafka);
        ServiceUnderTest.token(registry, 0, ADMIN_TOKEN, "ops", "admin");
    }

    static boolean browserInstalled() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    @LocalServerPort
    int port;

    private final TypedKafka typed = kafka.typed();

    @BeforeAll
    static void startBrowser() throws IOException {
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        Path profile = Files.createTempDirectory(Path.of("target"), "chromium-profile-");
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile()).addArguments(
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-quic", "--window-size=1400,900",
                "--user-data-dir=" + profile.toAbsolutePath());
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    @Order(1)
    void theDownMarkAndTheAdminMarkMoveWithoutAReload() {
        Instant now = Instant.now();
        for (int i = 1; i <= 3; i++) {
            String host = host(i);
            typed.produce(Topics.HOST_ROLES, host, role(REGION, host, now.minusSeconds(60L * (4 - i)).toEpochMilli()));
            typed.produce(Topics.HOST_HEALTH, host, health(REGION, host, HealthStatus.UP));
        }
        typed.await(Topics.ADMIN_ENDPOINT, r -> r.key().equals(REGION) && host(3).equals(r.value().getHostId()), WAIT);

        browser.get("http://127.0.0.1:" + port + "/ui/endpoints");
        WebDriverWait wait = new WebDriverWait(browser, WAIT);
        wait.until(ExpectedConditions.numberOfElementsToBe(hostRows(), 3));
        wait.until(ExpectedConditions.attributeToBe(row(3), "data-admin", "true"));
        assertThat(browser.findElements(By.cssSelector("[data-action=set-admin]")))
                .as("read-only without a token").isEmpty();
        browser.executeScript(NO_RELOAD_MARK + " = 'same page';");

        typed.produce(Topics.HOST_HEALTH, host(3), health(REGION, host(3), HealthStatus.DOWN));

        wait.until(ExpectedConditions.attributeToBe(row(3), "data-status", "DOWN"));
        wait.until(ExpectedConditions.attributeToBe(row(2), "data-admin", "true"));
        assertThat(browser.findElement(row(3)).getAttribute("data-admin")).isEqualTo("false");
        assertThat(browser.findElement(row(3)).findElement(By.cssSelector("[data-role=health]")).getText())
                .isEqualTo("DOWN");
        assertThat(browser.findElement(row(2)).findElement(By.cssSelector("[data-role=admin-mark]")).getText())
                .contains("admin");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(region(),
                "FAILOVER → " + host(2) + " (previous: " + host(3) + ")"));
        assertThat(browser.executeScript("return " + NO_RELOAD_MARK + ";")).isEqualTo("same page");
    }

    @Test
    @Order(2)
    void withATokenThePageSetsTheAdminAndShowsTheRefusalDetail() throws IOException {
        WebDriverWait wait = new WebDriverWait(browser, WAIT);
        browser.findElement(By.id("token")).sendKeys(ADMIN_TOKEN);
        browser.findElement(By.id("token-save")).click();
        assertThat(((JavascriptExecutor) browser).executeScript(
                "return sessionStorage.getItem('imagelib.endpoints.token');")).isEqualTo(ADMIN_TOKEN);

        setAdminButton(1).click();
        wait.until(ExpectedConditions.attributeToBe(row(1), "data-admin", "true"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(region(), "MANUAL → " + host(1)));

        setAdminButton(3).click();
        WebElement message = browser.findElement(By.id("message"));
        wait.until(ExpectedConditions.textToBePresentInElement(message, "Refused (409)"));
        assertThat(message.getText()).contains(host(3) + " (" + adminUrl(host(3)) + ") is DOWN");
        assertThat(browser.findElement(row(1)).getAttribute("data-admin")).isEqualTo("true");
        assertThat(browser.executeScript("return " + NO_RELOAD_MARK + ";")).isEqualTo("same page");

        saveScreenshot();
    }

    private WebElement setAdminButton(int host) {
        return new WebDriverWait(browser, WAIT).until(ExpectedConditions.elementToBeClickable(
                By.cssSelector("section[data-region=" + REGION + "] [data-action=set-admin][data-host='" + host(host) + "']")));
    }

    /** target/ always; docs/ too when run with -Dimagelib.page.screenshot-dir=../docs (how the committed one is made). */
    private static void saveScreenshot() throws IOException {
        File shot = browser.getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), Path.of("target", "api-endpoints-page.png"), StandardCopyOption.REPLACE_EXISTING);
        String docs = System.getProperty("imagelib.page.screenshot-dir");
        if (docs != null) {
            Files.copy(shot.toPath(), Path.of(docs, "api-endpoints-page.png"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static String host(int i) {
        return REGION.toLowerCase() + "-" + i;
    }

    private static By region() {
        return By.cssSelector("section[data-region=" + REGION + "]");
    }

    private static By hostRows() {
        return By.cssSelector("section[data-region=" + REGION + "] tr[data-host]");
    }

    private static By row(int host) {
        return By.cssSelector("section[data-region=" + REGION + "] tr[data-host='" + host(host) + "']");
    }
}
