package dev.imgsearch.embedder.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;
import org.libjpegturbo.turbojpeg.TJDecompressor;
import org.libjpegturbo.turbojpeg.TJException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fast JPEG path: libjpeg-turbo ({@code libturbojpeg.so.0}, SIMD) through its JNI binding,
 * scaled in the DCT domain (1/8, 1/4, 1/2 or 1) to the smallest size whose shorter side still
 * covers the model input ({@link DecodeLimits#dctScale}), straight into an {@code int} RGB raster.
 *
 * <p>An accelerator, not an authority: it only returns images it decoded without any warning.
 * CMYK/YCCK and anything else — a fatal error, a warning (truncation, damaged data) — return {@code
 * null} and the caller decodes with ImageIO/TwelveMonkeys as before, so every file gets the outcome
 * of {@link ImageDecoder}'s ImageIO path (a damaged file costs two decode attempts). The pixel
 * limit is checked from the header before any pixel is decoded.
 *
 * <p>The library is looked for, once per class loader, at: the files listed in the system property
 * {@value #LIBRARY_PROPERTY} or the environment variable {@value #LIBRARY_ENV} ({@code
 * :}-separated), then {@code turbojpeg} on {@code java.library.path}, then the usual
 * Debian/Ubuntu/RHEL locations of {@code libturbojpeg.so.0}. If it cannot be loaded or fails a
 * self-test, JPEGs go through ImageIO and {@link #status()} says why (logged once at WARN). {@code
 * -D}{@value #ENABLED_PROPERTY}{@code =false} turns the fast path off (read on every decode).
 */
public final class TurboJpeg {
  public static final String LIBRARY_PROPERTY = "imgsearch.turbojpeg.library";
  public static final String LIBRARY_ENV = "IMGSEARCH_TURBOJPEG_LIBRARY";
  public static final String ENABLED_PROPERTY = "imgsearch.turbojpeg";

  private static final Logger LOG = LoggerFactory.getLogger(TurboJpeg.class);
  private static final int PIXEL_FORMAT =
      ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN
          ? TJDecompressor.PF_BGRX
          : TJDecompressor.PF_XRGB;
  private static final List<String> WELL_KNOWN =
      List.of(
          "/usr/lib/x86_64-linux-gnu/libturbojpeg.so.0",
          "/usr/lib/aarch64-linux-gnu/libturbojpeg.so.0",
          "/usr/lib64/libturbojpeg.so.0",
          "/usr/lib/libturbojpeg.so.0",
          "/usr/local/lib/libturbojpeg.so.0",
          "/opt/libjpeg-turbo/lib64/libturbojpeg.so");
  private static final AtomicLong DECODED = new AtomicLong();
  private static final AtomicLong FALLBACKS = new AtomicLong();

  private TurboJpeg() {}

  /** Loaded once, on first use. */
  private static final class Library {
    static final String LOADED_FROM;
    static final String UNAVAILABLE;

    static {
      String[] result = load();
      LOADED_FROM = result[0];
      UNAVAILABLE = result[1];
      if (UNAVAILABLE == null) {
        LOG.info("JPEG decoding: libjpeg-turbo ({}), DCT-scaled", LOADED_FROM);
      } else {
        LOG.warn("JPEG decoding: ImageIO only, libjpeg-turbo unavailable: {}", UNAVAILABLE);
      }
    }
  }

  /**
   * Whether the native library is loaded and passed its self-test (independent of {@value
   * #ENABLED_PROPERTY}).
   */
  public static boolean available() {
    return Library.UNAVAILABLE == null;
  }

  /** Whether JPEGs are decoded by libjpeg-turbo now: available and not turned off. */
  public static boolean enabled() {
    return !"false".equalsIgnoreCase(System.getProperty(ENABLED_PROPERTY, "true")) && available();
  }

  /** "libjpeg-turbo (path)" or "ImageIO (reason)". */
  public static String status() {
    if (!available()) {
      return "ImageIO (libjpeg-turbo unavailable: " + Library.UNAVAILABLE + ")";
    }
    return enabled()
        ? "libjpeg-turbo (" + Library.LOADED_FROM + ")"
        : "ImageIO (-D" + ENABLED_PROPERTY + "=false)";
  }

  /** JPEGs decoded by libjpeg-turbo in this class loader. */
  public static long decodedCount() {
    return DECODED.get();
  }

  /** JPEGs handed back to ImageIO (CMYK/YCCK, any libjpeg-turbo error or warning). */
  public static long fallbackCount() {
    return FALLBACKS.get();
  }

  /**
   * The upright-orientation-agnostic RGB pixels of {@code jpeg} (EXIF is the caller's job), or
   * {@code null} when ImageIO must decode it. Requires {@link #available()}.
   */
  static BufferedImage decode(byte[] jpeg, DecodeLimits limits) throws ImageRejectedException {
    try (TJDecompressor tj = new TJDecompressor()) {
      try {
        tj.setSourceImage(jpeg, jpeg.length);
      } catch (TJException headerProblem) {
        // whatever is wrong before the scan (even a truncation), ImageIO's verdict —
        // too-many-pixels from a SOF
        // before the cut, or corrupt — is the one the file gets
        return fallback();
      }
      int width = tj.getWidth();
      int height = tj.getHeight();
      if (width <= 0 || height <= 0) {
        return fallback();
      }
      limits.checkHeader(width, height);
      int colorspace = tj.getColorspace();
      if (colorspace == TJDecompressor.CS_CMYK || colorspace == TJDecompressor.CS_YCCK) {
        return fallback(); // TwelveMonkeys converts CMYK with the embedded ICC profile;
        // libjpeg-turbo would not
      }
      int eighths = limits.budgetedDctScale(width, height);
      if (eighths == 0) {
        return fallback(); // not even 1/8 fits the raster budget: ImageIO subsamples further or
        // rejects
      }
      int w = scaled(width, eighths);
      int h = scaled(height, eighths);
      BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
      int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
      tj.decompress(pixels, 0, 0, w, w, h, PIXEL_FORMAT, TJDecompressor.FLAG_LIMITSCANS);
      DECODED.incrementAndGet();
      return image;
    } catch (TJException e) {
      // any warning ("premature end", "corrupt JPEG data: ...") or error: ImageIO decides, so a
      // damaged file gets the
      // outcome it always got (libjpeg-turbo calls some files corrupt that ImageIO decodes with a
      // warning it ignores)
      return fallback();
    } catch (RuntimeException | OutOfMemoryError | LinkageError e) {
      return fallback();
    }
  }

  /** {@code TJSCALED}: the size of a dimension at {@code eighths}/8. */
  static int scaled(int dimension, int eighths) {
    return (int) (((long) dimension * eighths + 7) / 8);
  }

  private static BufferedImage fallback() {
    FALLBACKS.incrementAndGet();
    return null;
  }

  /** {@code {path, null}} once loaded and self-tested, else {@code {null, reason}}. */
  private static String[] load() {
    List<String> tried = new ArrayList<>();
    String explicit = System.getProperty(LIBRARY_PROPERTY, System.getenv(LIBRARY_ENV));
    String loaded = null;
    if (explicit != null && !explicit.isBlank()) {
      for (String path : explicit.split(java.io.File.pathSeparator)) {
        if (!path.isBlank() && (loaded = tryLoad(path.trim(), tried)) != null) {
          break;
        }
      }
    }
    if (loaded == null) {
      try {
        System.loadLibrary("turbojpeg");
        loaded = "turbojpeg on java.library.path";
      } catch (UnsatisfiedLinkError | SecurityException e) {
        tried.add("java.library.path: " + e.getMessage());
        for (String path : WELL_KNOWN) {
          if (Files.exists(Path.of(path)) && (loaded = tryLoad(path, tried)) != null) {
            break;
          }
        }
        if (loaded == null) {
          tried.add(
              "none of "
                  + WELL_KNOWN
                  + " loads (install libturbojpeg0, or set -D"
                  + LIBRARY_PROPERTY
                  + ")");
        }
      }
    }
    if (loaded == null) {
      return new String[] {null, String.join("; ", tried)};
    }
    try {
      selfTest();
      return new String[] {loaded, null};
    } catch (Exception | LinkageError e) {
      return new String[] {null, "loaded " + loaded + " but the self-test failed: " + e};
    }
  }

  private static String tryLoad(String path, List<String> tried) {
    String absolute = Path.of(path).toAbsolutePath().toString();
    try {
      System.load(absolute);
      return path;
    } catch (UnsatisfiedLinkError e) {
      if (String.valueOf(e.getMessage()).contains("already loaded in another classloader")) {
        // a restarted Flink job gets a new user class loader in the same TaskManager JVM, and the
        // JVM binds a library
        // file to one class loader: load a private copy instead (what ONNX Runtime does with its
        // own library)
        try {
          Path copy = Files.createTempFile("imgsearch-libturbojpeg", ".so");
          copy.toFile().deleteOnExit();
          Files.copy(Path.of(absolute), copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          System.load(copy.toString());
          return path + " (as the private copy " + copy + ")";
        } catch (IOException | UnsatisfiedLinkError | SecurityException copyFailed) {
          tried.add(path + ": " + e.getMessage() + "; private copy: " + copyFailed);
          return null;
        }
      }
      tried.add(path + ": " + e.getMessage());
      return null;
    } catch (SecurityException e) {
      tried.add(path + ": " + e.getMessage());
      return null;
    }
  }

  /**
   * A 16×16 red JPEG through the binding, at 1/1 and 1/2: proves the JNI entry points and the pixel
   * layout.
   */
  private static void selfTest() throws IOException {
    BufferedImage red = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 16; x++) {
        red.setRGB(x, y, 0xE00000);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (!ImageIO.write(red, "jpg", out)) {
      throw new IOException("no JPEG writer for the self-test image");
    }
    byte[] jpeg = out.toByteArray();
    try (TJDecompressor tj = new TJDecompressor()) {
      tj.setSourceImage(jpeg, jpeg.length);
      if (tj.getWidth() != 16 || tj.getHeight() != 16) {
        throw new IOException("header read as " + tj.getWidth() + "x" + tj.getHeight());
      }
      for (int size : new int[] {16, 8}) {
        int[] px = new int[size * size];
        tj.decompress(px, 0, 0, size, size, size, PIXEL_FORMAT, 0);
        int p = px[size * size / 2 + size / 2];
        int r = (p >> 16) & 0xff;
        int g = (p >> 8) & 0xff;
        int b = p & 0xff;
        if (Math.abs(r - 0xE0) > 8 || g > 8 || b > 8) {
          throw new IOException(
              String.format("decoded %06x instead of e00000 at %d×%d", p & 0xFFFFFF, size, size));
        }
      }
    }
  }
}
