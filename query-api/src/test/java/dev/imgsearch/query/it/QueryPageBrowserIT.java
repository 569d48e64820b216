package dev.imgsearch.query.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.embedder.model.OnnxImageEmbedder;
import dev.imgsearch.indexer.store.StoreSettings;
import dev.imgsearch.indexer.store.VectorStore;
import dev.imgsearch.indexer.store.VectorStores;
import dev.imgsearch.query.ApiKeys;
import dev.imgsearch.query.QueryApi;
import dev.imgsearch.query.QueryApiOptions;
import dev.imgsearch.query.QueryService;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The web page in real headless Chromium (Debian {@code chromium} + {@code chromium-driver}, installed by
 * {@code scripts/deps/chromium.sh}): load the page, upload a photo, see the result grid with thumbnails and freshness,
 * click a result, see the grid of its neighbours. Fails, never skips, when Chromium is missing.
 */
class QueryPageBrowserIT {

  private static final String KEY = "browser-key-0123456789";
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path tmp;
  private OnnxImageEmbedder embedder;
  private VectorStore store;
  private QueryService service;
  private QueryApi api;
  private IndexedPhotos corpus;
  private WebDriver browser;

  static Path executable(String... names) {
    List<Path> dirs =
        Stream.concat(
                Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)).map(Path::of),
                Stream.of(Path.of("/usr/bin"), Path.of("/usr/lib/chromium")))
            .toList();
    for (String name : names) {
      for (Path dir : dirs) {
        Path candidate = dir.resolve(name);
        if (Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    throw new IllegalStateException(
        "none of " + List.of(names) + " found on PATH: run scripts/deps/chromium.sh (Debian chromium + chromium-driver)");
  }

  @BeforeEach
  void start() throws Exception {
    Path chromium = executable("chromium", "chromium-browser");
    Path chromedriver = executable("chromedriver");

    embedder = OnnxImageEmbedder.loadDefault();
    store = VectorStores.open(StoreSettings.embedded(tmp.resolve("store").toString(), "browser_it", embedder.dimension()));
    store.ensureCollection();
    corpus = IndexedPhotos.index(embedder, store);
    service = QueryService.builder(embedder, store).contentSource(corpus).build();
    QueryApiOptions options = QueryApiOptions.defaults().withApiKeys(ApiKeys.of(List.of(KEY)));
    api = new QueryApi(service, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), options).start("127.0.0.1", 0);

    ChromeDriverService driverService =
        new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile()).usingAnyFreePort().build();
    ChromeOptions chrome = new ChromeOptions();
    chrome.setBinary(chromium.toFile());
    chrome.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1280,1600",
        "--user-data-dir=" + Files.createDirectories(tmp.resolve("chromium-profile")));
    browser = new ChromeDriver(driverService, chrome);
    browser.manage().timeouts().pageLoadTimeout(WAIT);
  }

  @AfterEach
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (api != null) {
      api.stop();
    }
    if (service != null) {
      service.close();
    }
    if (store != null) {
      store.close();
    }
    if (embedder != null) {
      embedder.close();
    }
  }

  @Test
  void uploadSeeTheGridClickAResultSeeItsNeighbours() {
    IndexedPhotos.Photo query = corpus.named("aloeL.jpg");
    IndexedPhotos.Photo pair = corpus.named("aloeR.jpg");

    browser.get("http://127.0.0.1:" + api.port() + "/");
    assertThat(browser.getTitle()).isEqualTo("imgsearch");
    browser.findElement(By.id("apiKey")).sendKeys(KEY);
    browser.findElement(By.id("file")).sendKeys(query.file().toAbsolutePath().toString());

    // the grid of the upload: the photo itself, then its stereo pair
    await("grid for the upload", () -> grid().size() == 10 && status().startsWith("image aloeL.jpg"));
    List<WebElement> cards = grid();
    assertThat(cards.get(0).getAttribute("data-id")).isEqualTo(query.id());
    assertThat(cards.get(1).getAttribute("data-id")).isEqualTo(pair.id());
    assertThat(cards.get(0).getText()).contains("score", "1.0000", query.source(), query.key());
    // thumbnails really load (through /v1/images/{id}/content: no presigner in this test)
    await("thumbnails", () -> Boolean.TRUE.equals(js("var imgs = document.querySelectorAll('#grid .thumb img');"
        + " return imgs.length === 10 && Array.from(imgs).every(function (i) { return i.complete && i.naturalWidth > 0; });")));
    // freshness: count and newest capture time of the index
    await("freshness", () -> freshness().contains(corpus.photos.size() + " images indexed"));
    assertThat(freshness()).contains(corpus.newest().capturedAt().toString());

    // click the pair's thumbnail: the grid becomes its neighbours, itself excluded
    cards.get(1).findElement(By.cssSelector(".thumb img")).click();
    await("grid of the clicked result", () -> status().startsWith("similar to " + pair.id()) && !grid().isEmpty());
    List<WebElement> next = grid();
    assertThat(next).hasSize(10);
    assertThat(next.get(0).getAttribute("data-id")).isEqualTo(query.id());
    assertThat(next).extracting(c -> c.getAttribute("data-id")).doesNotContain(pair.id());
    assertThat(browser.getCurrentUrl()).endsWith("#similar=" + pair.id());

    // paging: the next page continues the ranking
    String lastOfPage1 = next.get(9).getAttribute("data-id");
    browser.findElement(By.id("next")).click();
    await("second page", () -> status().contains("results 11"));
    assertThat(grid()).extracting(c -> c.getAttribute("data-id")).doesNotContain(lastOfPage1, pair.id());

    // the near-duplicates toggle searches the uploaded photo by perceptual hash: itself at distance 0
    browser.findElement(By.id("dupes")).click();
    await("near-duplicates grid", () -> status().startsWith("near-duplicates of aloeL.jpg") && !grid().isEmpty());
    assertThat(grid().get(0).getAttribute("data-id")).isEqualTo(query.id());
    assertThat(grid().get(0).getText()).contains("distance", "0 bits");
  }

  private List<WebElement> grid() {
    return browser.findElements(By.cssSelector("#grid .card"));
  }

  private String status() {
    return browser.findElement(By.id("status")).getText();
  }

  private String freshness() {
    return browser.findElement(By.id("freshness")).getText();
  }

  private Object js(String script) {
    return ((JavascriptExecutor) browser).executeScript(script);
  }

  private void await(String what, Supplier<Boolean> condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (Optional.ofNullable(condition.get()).orElse(false)) {
        return;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError(
        "timed out waiting for " + what + "; status='" + status() + "', freshness='" + freshness() + "', cards="
            + grid().size());
  }
}
