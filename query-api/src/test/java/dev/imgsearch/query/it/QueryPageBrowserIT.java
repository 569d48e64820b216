package dev.imgsearch.query.it;

import static dev.imgsearch.local.servers.testing.Teardown.closeAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.embedder.detect.Box;
import dev.imgsearch.embedder.detect.FaceDescriber;
import dev.imgsearch.embedder.detect.FaceDetector;
import dev.imgsearch.embedder.model.OnnxImageEmbedder;
import dev.imgsearch.embedder.model.OnnxOptions;
import dev.imgsearch.indexer.store.DetectedItem;
import dev.imgsearch.indexer.store.DetectedItem.Kind;
import dev.imgsearch.indexer.store.StoreSettings;
import dev.imgsearch.indexer.store.VectorRecord;
import dev.imgsearch.indexer.store.VectorStore;
import dev.imgsearch.indexer.store.VectorStores;
import dev.imgsearch.query.ApiKeys;
import dev.imgsearch.query.QueryApi;
import dev.imgsearch.query.QueryApiOptions;
import dev.imgsearch.query.QueryService;
import dev.imgsearch.query.TestApis;
import dev.imgsearch.query.watch.AlertFeed;
import dev.imgsearch.query.watch.WatchLog;
import dev.imgsearch.query.watch.WatchView;
import dev.imgsearch.query.watch.Watches;
import dev.imgsearch.schemas.ImageIds;
import dev.imgsearch.schemas.avro.Alert;
import dev.imgsearch.schemas.avro.AlertBox;
import dev.imgsearch.schemas.avro.Watch;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The web page in real headless Chromium (Debian {@code chromium} + {@code chromium-driver},
 * installed by {@code scripts/deps/chromium.sh}): load the page, upload a photo, see the result
 * grid with thumbnails and freshness, click a result, see the grid of its neighbours. Fails, never
 * skips, when Chromium is missing.
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
  private WatchView watchView;
  private AlertFeed alertFeed;

  static Path executable(String... names) {
    List<Path> dirs =
        Stream.concat(
                Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                    .map(Path::of),
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
        "none of "
            + List.of(names)
            + " found on PATH: run scripts/deps/chromium.sh (Debian chromium + chromium-driver)");
  }

  @BeforeEach
  void start() throws Exception {
    Path chromium = executable("chromium", "chromium-browser");
    Path chromedriver = executable("chromedriver");

    embedder = OnnxImageEmbedder.loadDefault();
    store =
        VectorStores.open(
            StoreSettings.embedded(
                tmp.resolve("store").toString(), "browser_it", embedder.dimension()));
    store.ensureCollection();
    corpus = IndexedPhotos.index(embedder, store);
    // rows added by the live-view test are named "live/<n>/<corpus key>" and show that corpus photo
    // the watches topic is an in-memory log here (WatchesApiIT runs it on a broker)
    watchView = new WatchView();
    watchView.markReady();
    alertFeed = AlertFeed.defaults();
    service =
        QueryService.builder(embedder, store)
            .contentSource(
                (bucket, key) ->
                    corpus.open(
                        bucket,
                        key.startsWith("live/") ? key.substring(key.indexOf('/', 5) + 1) : key))
            .build();
    QueryApiOptions options = QueryApiOptions.defaults().withApiKeys(ApiKeys.of(List.of(KEY)));
    api =
        TestApis.start(
            service,
            options,
            new Watches(
                new WatchLog() {
                  @Override
                  public void put(Watch watch) {
                    watchView.apply(watch.getId(), watch);
                  }

                  @Override
                  public void delete(String id) {
                    watchView.apply(id, null);
                  }
                },
                watchView,
                alertFeed));

    ChromeDriverService driverService =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(chromedriver.toFile())
            .usingAnyFreePort()
            .build();
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
  void stop() throws Exception {
    closeAll(
        browser == null ? null : browser::quit,
        api == null ? null : api::stop,
        service,
        store,
        embedder);
  }

  @Test
  void uploadSeeTheGridClickAResultSeeItsNeighbours() {
    IndexedPhotos.Photo query = corpus.named("aloeL.jpg");
    IndexedPhotos.Photo pair = corpus.named("aloeR.jpg");

    browser.get(TestApis.base(api) + "/");
    assertThat(browser.getTitle()).isEqualTo("imgsearch");
    browser.findElement(By.id("apiKey")).sendKeys(KEY);
    browser.findElement(By.id("file")).sendKeys(query.file().toAbsolutePath().toString());

    // the grid of the upload: the photo itself, then its stereo pair
    await(
        "grid for the upload", () -> grid().size() == 10 && status().startsWith("image aloeL.jpg"));
    List<WebElement> cards = grid();
    assertThat(cards.get(0).getAttribute("data-id")).isEqualTo(query.id());
    assertThat(cards.get(1).getAttribute("data-id")).isEqualTo(pair.id());
    assertThat(cards.get(0).getText()).contains("score", "1.0000", query.source(), query.key());
    // thumbnails really load (through /v1/images/{id}/content: no presigner in this test)
    await(
        "thumbnails",
        () ->
            Boolean.TRUE.equals(
                js(
                    "var imgs = document.querySelectorAll('#grid .thumb img');"
                        + " return imgs.length === 10 && Array.from(imgs).every(function (i) { return i.complete && i.naturalWidth > 0; });")));
    // freshness: count and newest capture time of the index
    await("freshness", () -> freshness().contains(corpus.photos.size() + " images indexed"));
    assertThat(freshness()).contains(corpus.newest().capturedAt().toString());

    // click the pair's thumbnail: the grid becomes its neighbours, itself excluded
    cards.get(1).findElement(By.cssSelector(".thumb img")).click();
    await(
        "grid of the clicked result",
        () -> status().startsWith("similar to " + pair.id()) && !grid().isEmpty());
    List<WebElement> next = grid();
    assertThat(next).hasSize(10);
    assertThat(next.get(0).getAttribute("data-id")).isEqualTo(query.id());
    assertThat(next).extracting(c -> c.getAttribute("data-id")).doesNotContain(pair.id());
    assertThat(browser.getCurrentUrl()).endsWith("#similar=" + pair.id());

    // paging: the next page continues the ranking
    String lastOfPage1 = next.get(9).getAttribute("data-id");
    browser.findElement(By.id("next")).click();
    await("second page", () -> status().contains("results 11"));
    assertThat(grid())
        .extracting(c -> c.getAttribute("data-id"))
        .doesNotContain(lastOfPage1, pair.id());

    // the near-duplicates toggle searches the uploaded photo by perceptual hash: itself at distance
    // 0
    browser.findElement(By.id("dupes")).click();
    await(
        "near-duplicates grid",
        () -> status().startsWith("near-duplicates of aloeL.jpg") && !grid().isEmpty());
    assertThat(grid().get(0).getAttribute("data-id")).isEqualTo(query.id());
    assertThat(grid().get(0).getText()).contains("distance", "0 bits");
  }

  /**
   * Scene-change gating: a camera frame indexed with its scene's first frame's vector shows how
   * long the scene lasted.
   */
  @Test
  void aFrameOfAGatedSceneShowsTheScenesSpan() {
    IndexedPhotos.Photo query = corpus.named("aloeL.jpg");
    VectorRecord first = store.get(query.id()).orElseThrow();
    String laterKey = "later/" + query.key();
    long later = first.capturedAtMillis() + 4_000;
    store.upsert(
        List.of(
            new VectorRecord(
                    ImageIds.of(first.bucket(), laterKey),
                    first.vector(),
                    first.bucket(),
                    laterKey,
                    first.source(),
                    later,
                    first.tags(),
                    first.model())
                .withPhash(first.phash())
                .withScene(
                    new dev.imgsearch.indexer.store.SceneRef(
                        first.id(), first.capturedAtMillis()))));
    store.flush();

    browser.get(TestApis.base(api) + "/");
    browser.findElement(By.id("apiKey")).sendKeys(KEY);
    browser.findElement(By.id("file")).sendKeys(query.file().toAbsolutePath().toString());
    await(
        "grid for the upload", () -> grid().size() == 10 && status().startsWith("image aloeL.jpg"));
    WebElement gated =
        grid().stream()
            .filter(c -> ImageIds.of(first.bucket(), laterKey).equals(c.getAttribute("data-id")))
            .findFirst()
            .orElseThrow();
    assertThat(gated.getText())
        .contains(
            "scene",
            Instant.ofEpochMilli(first.capturedAtMillis()).toString(),
            Instant.ofEpochMilli(later).toString(),
            first.id());
    WebElement itself =
        grid().stream()
            .filter(c -> query.id().equals(c.getAttribute("data-id")))
            .findFirst()
            .orElseThrow();
    assertThat(itself.getText()).doesNotContain("scene");
  }

  /**
   * Objects and faces: their boxes are drawn on the results and on the query photo; a click on a
   * box searches by that object or face; a class is browsed without a query image.
   */
  @Test
  void boxesOnResultsAndOnTheQueryPhotoSearchByWhatWasClicked() throws Exception {
    IndexedPhotos.Photo left = corpus.named("aloeL.jpg");
    IndexedPhotos.Photo right = corpus.named("aloeR.jpg");
    IndexedPhotos.Photo messi = corpus.named("messi5.jpg");
    BufferedImage photo = ImageIO.read(messi.file().toFile());
    Box face;
    float[] descriptor;
    try (FaceDetector detector =
            FaceDetector.load(FaceDetector.Options.DEFAULT, OnnxOptions.DEFAULT);
        FaceDescriber describer = FaceDescriber.load(OnnxOptions.DEFAULT)) {
      face = detector.detect(photo).get(0).box();
      descriptor = describer.describe(photo, List.of(face)).get(0);
    }
    // a "person" on each of the stereo pair (their own, alike, frame vectors), messi's real face
    store.upsert(
        List.of(
            withItem(
                left,
                item(
                    Kind.OBJECT, "person", 0, new float[] {0.2f, 0.1f, 0.6f, 0.9f}, left.vector())),
            withItem(
                right,
                item(
                    Kind.OBJECT,
                    "person",
                    0,
                    new float[] {0.3f, 0.1f, 0.7f, 0.9f},
                    right.vector())),
            withItem(
                messi,
                item(
                    Kind.FACE,
                    "face",
                    -1,
                    new float[] {face.x0(), face.y0(), face.x1(), face.y1()},
                    descriptor))));
    store.flush();

    browser.get(TestApis.base(api) + "/");
    browser.findElement(By.id("apiKey")).sendKeys(KEY);
    browser.findElement(By.id("file")).sendKeys(left.file().toAbsolutePath().toString());
    await("grid for the upload", () -> grid().size() == 10);
    By leftBoxes = By.cssSelector("#grid .card[data-id='" + left.id() + "'] .box");
    await("the person's box on its result", () -> browser.findElements(leftBoxes).size() == 1);
    WebElement box = browser.findElement(leftBoxes);
    assertThat(box.getText()).contains("person");
    assertThat(box.getSize().getHeight()).as("the box is drawn to scale").isGreaterThan(40);

    box.click();
    await(
        "objects like the clicked box",
        () -> status().startsWith("similar to " + left.id() + ".o0") && !grid().isEmpty());
    assertThat(grid().get(0).getAttribute("data-id")).isEqualTo(right.id() + ".o0");
    assertThat(grid().get(0).getAttribute("data-image")).isEqualTo(right.id());
    await(
        "the hit's box on its image",
        () -> browser.findElements(By.cssSelector("#grid .card .box.hit")).size() == 1);
    assertThat(browser.getCurrentUrl()).endsWith("#item=" + left.id() + ".o0");

    browser.findElement(By.id("cls")).sendKeys("person");
    browser.findElement(By.id("with-class")).click();
    await("images with a person", () -> status().startsWith("images with person"));
    assertThat(grid())
        .as("newest first, no query image")
        .extracting(c -> c.getAttribute("data-image"))
        .containsExactly(right.id(), left.id());

    js("var m = document.getElementById('mode'); m.value = 'faces';");
    browser.findElement(By.id("cls")).clear();
    browser.findElement(By.id("file")).sendKeys(messi.file().toAbsolutePath().toString());
    await(
        "faces of the query photo",
        () ->
            status().startsWith("faces in messi5.jpg, face 1 of")
                && !browser.findElements(By.cssSelector("#drop .box.face")).isEmpty());
    assertThat(grid().get(0).getAttribute("data-id")).isEqualTo(messi.id() + ".f0");
    assertThat(grid().get(0).getText()).contains("face");
    screenshot("objects-and-faces");
  }

  /**
   * Watches from the page: "watch this" on a result creates one, the watches tab lists it and arms
   * or disarms it, and an alert appears in the live feed with its box.
   */
  @Test
  void watchAResultSeeItListedAndItsAlertArriveLive() throws Exception {
    IndexedPhotos.Photo query = corpus.named("aloeL.jpg");
    IndexedPhotos.Photo pair = corpus.named("aloeR.jpg");
    browser.get(TestApis.base(api) + "/");
    browser.findElement(By.id("apiKey")).sendKeys(KEY);
    browser.findElement(By.id("file")).sendKeys(query.file().toAbsolutePath().toString());
    await("grid for the upload", () -> grid().size() == 10);
    grid().get(0).findElement(By.cssSelector("button.watch")).click();
    browser.switchTo().alert().sendKeys("0.93");
    browser.switchTo().alert().accept();
    await("watch created", () -> status().startsWith("watch \u201clike " + query.key()));
    Watch created = watchView.list().get(0);
    assertThat(created.getThreshold()).isEqualTo(0.93);
    assertThat(created.getVector()).isNotNull();

    browser.findElement(By.id("tab-watches")).click();
    await(
        "the watch in the table",
        () -> browser.findElements(By.cssSelector("#watch-table tbody tr")).size() == 1);
    assertThat(text(By.cssSelector("#watch-table tbody tr")))
        .contains("like " + query.key(), "0.93");
    await("the alert stream", () -> alertFeed.subscriberCount() == 1);

    alertFeed.publish(
        Alert.newBuilder()
            .setAlertId("alert-1")
            .setWatchId(created.getId())
            .setWatchName(created.getName())
            .setImageId(pair.id())
            .setBucket(IndexedPhotos.BUCKET)
            .setKey(pair.key())
            .setSource(pair.source())
            .setLabel("person")
            .setBox(new AlertBox(0.2f, 0.1f, 0.2f, 0.7f))
            .setScore(0.95)
            .setCapturedAtMillis(pair.capturedAt().toEpochMilli())
            .setMatchedAtMillis(System.currentTimeMillis())
            .build());
    await(
        "the alert in the live feed, boxed",
        () -> !browser.findElements(By.cssSelector("#alerts-grid .card.alert .box.hit")).isEmpty());
    WebElement alert = browser.findElement(By.cssSelector("#alerts-grid .card.alert"));
    assertThat(alert.getAttribute("data-image")).isEqualTo(pair.id());
    assertThat(alert.getText()).contains(created.getName(), "0.9500", pair.source());
    await(
        "the alert counted on its watch's row",
        () -> text(By.cssSelector("#watch-table tbody tr td.alert-count")).startsWith("1 (last "));
    screenshot("watches-and-alerts");

    browser.findElement(By.cssSelector("#watch-table tbody tr input[type=checkbox]")).click();
    await("the watch disarmed", () -> !watchView.get(created.getId()).orElseThrow().getEnabled());
  }

  private VectorRecord withItem(IndexedPhotos.Photo photo, DetectedItem item) {
    return store.get(photo.id()).orElseThrow().withItems(List.of(item));
  }

  private static DetectedItem item(
      Kind kind, String label, int classId, float[] box, float[] vector) {
    return new DetectedItem(kind, 0, label, classId, 0.9f, box, "browser@1", vector);
  }

  @Test
  void liveViewShowsNewImagesWithinASecondOrTwoTimelineCountsAndUrlFiltersSurviveAReload()
      throws Exception {
    browser.manage().window().setSize(new Dimension(1200, 860));
    long minute = System.currentTimeMillis() / 60_000 * 60_000;
    long fiveAgo = minute - 5 * 60_000;
    long twoAgo = minute - 2 * 60_000;
    String a1 = insert(0, "cam-a", fiveAgo + 10_000);
    String a2 = insert(1, "cam-a", fiveAgo + 20_000);
    insert(2, "cam-b", fiveAgo + 30_000); // other source: not counted for cam-a
    String a3 = insert(3, "cam-a", twoAgo + 5_000);
    store.flush();

    String base = TestApis.base(api) + "/";
    browser.get(base);
    js("localStorage.setItem('imgsearch.apiKey', '" + KEY + "');");
    browser.get(base + "?view=live&source=cam-a");

    // timeline: 60 minutes, the inserted rows counted in their minutes (the corpus is from 2024:
    // outside the window)
    await(
        "timeline",
        () -> bars().size() == 60 && "3".equals(attr(By.id("timeline-caption"), "data-total")));
    assertThat(barCount(fiveAgo)).isEqualTo("2");
    assertThat(barCount(twoAgo)).isEqualTo("1");
    assertThat(text(By.id("timeline-caption"))).startsWith("3 images in 60 minutes");
    // live grid: newest first
    await("live grid", () -> liveIds().equals(List.of(a3, a2, a1)));
    assertThat(text(By.id("live-status"))).contains("3 newest", "every second");

    // a newly indexed image appears within the page's freshness figure (polled every second)
    String fresh = insert(4, "cam-a", System.currentTimeMillis());
    store.flush();
    long indexed = System.nanoTime();
    await("new image on the page", () -> !liveIds().isEmpty() && liveIds().get(0).equals(fresh));
    Duration visibleAfter = Duration.ofNanos(System.nanoTime() - indexed);
    assertThat(visibleAfter).isLessThan(Duration.ofMillis(2500));
    System.out.println(
        "live view: new image visible " + visibleAfter.toMillis() + " ms after it was indexed");
    await(
        "thumbnails",
        () ->
            Boolean.TRUE.equals(
                js(
                    "var imgs = document.querySelectorAll('#live-grid .thumb img');"
                        + " return imgs.length === 4 && Array.from(imgs).every(function (i) { return i.complete && i.naturalWidth > 0; });")));
    screenshot("live-view");

    // click a minute: its images only, the selection in the URL
    bar(fiveAgo).click();
    await("minute's images", () -> liveIds().equals(List.of(a2, a1)));
    assertThat(browser.getCurrentUrl()).contains("view=live", "source=cam-a", "minute=");
    assertThat(browser.findElement(By.id("minute-bar")).isDisplayed()).isTrue();
    await(
        "minute thumbnails",
        () ->
            Boolean.TRUE.equals(
                js(
                    "var imgs = document.querySelectorAll('#live-grid .thumb img');"
                        + " return imgs.length === 2 && Array.from(imgs).every(function (i) { return i.complete && i.naturalWidth > 0; });")));
    screenshot("timeline-minute");

    // reload: filters and the selected minute come back from the URL
    browser.navigate().refresh();
    await("restored minute", () -> liveIds().equals(List.of(a2, a1)) && bars().size() == 60);
    assertThat(browser.findElement(By.id("liveSource")).getAttribute("value")).isEqualTo("cam-a");
    assertThat(
            browser.findElement(By.cssSelector("#timeline .bar.sel")).getAttribute("data-minute"))
        .isEqualTo(Instant.ofEpochMilli(fiveAgo).toString());

    // back to live
    browser.findElement(By.id("back-live")).click();
    await("live again", () -> liveIds().equals(List.of(fresh, a3, a2, a1)));
    assertThat(browser.getCurrentUrl()).doesNotContain("minute=");

    // the search view's filters are shared and restored the same way
    IndexedPhotos.Photo photo = corpus.named("aloeL.jpg");
    browser.get(base + "?view=search&source=cam-b&k=3&tags=night#similar=" + photo.id());
    await(
        "restored search",
        () -> grid().size() == 3 && status().startsWith("similar to " + photo.id()));
    assertThat(browser.findElement(By.id("source")).getAttribute("value")).isEqualTo("cam-b");
    assertThat(browser.findElement(By.id("k")).getAttribute("value")).isEqualTo("3");
    assertThat(grid()).allSatisfy(c -> assertThat(c.getText()).contains("cam-b", "night"));
    List<String> before = grid().stream().map(c -> c.getAttribute("data-id")).toList();
    browser.navigate().refresh();
    await(
        "search after reload",
        () -> grid().size() == 3 && status().startsWith("similar to " + photo.id()));
    assertThat(grid()).extracting(c -> c.getAttribute("data-id")).containsExactlyElementsOf(before);
  }

  private int inserted = 0;

  /**
   * Upserts a copy of corpus photo {@code i} under a new key with this source and capture time;
   * returns its id.
   */
  private String insert(int i, String source, long capturedAtMillis) {
    IndexedPhotos.Photo p = corpus.photos.get(i);
    String key = "live/" + (inserted++) + "/" + p.key();
    String id = ImageIds.of(IndexedPhotos.BUCKET, key);
    store.upsert(
        List.of(
            new VectorRecord(
                    id,
                    p.vector(),
                    IndexedPhotos.BUCKET,
                    key,
                    source,
                    capturedAtMillis,
                    p.tags(),
                    embedder.modelId())
                .withPhash(p.phash())));
    return id;
  }

  private List<WebElement> bars() {
    return browser.findElements(By.cssSelector("#timeline .bar"));
  }

  private WebElement bar(long minuteMillis) {
    return browser.findElement(
        By.cssSelector("#timeline .bar[data-minute='" + Instant.ofEpochMilli(minuteMillis) + "']"));
  }

  private String barCount(long minuteMillis) {
    return bar(minuteMillis).getAttribute("data-count");
  }

  /**
   * The live grid's ids, read in one script: the grid re-renders every second, so element handles
   * found first and read later can go stale in between.
   */
  @SuppressWarnings("unchecked")
  private List<String> liveIds() {
    Object ids =
        ((JavascriptExecutor) browser)
            .executeScript(
                "return Array.from(document.querySelectorAll('#live-grid .card'))"
                    + ".map(c => c.getAttribute('data-id'));");
    return ((List<Object>) ids).stream().map(o -> o == null ? null : o.toString()).toList();
  }

  private String text(By by) {
    return browser.findElement(by).getText();
  }

  private String attr(By by, String name) {
    return browser.findElement(by).getAttribute(name);
  }

  /** Writes target/browser-screenshots/{name}.png (the README's images are copied from there). */
  private void screenshot(String name) throws Exception {
    Path dir = Files.createDirectories(Path.of("target", "browser-screenshots"));
    Files.write(
        dir.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
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
        "timed out waiting for "
            + what
            + "; status='"
            + status()
            + "', freshness='"
            + freshness()
            + "', cards="
            + grid().size());
  }
}
