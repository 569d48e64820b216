package org.libjpegturbo.turbojpeg;

import java.io.Closeable;

/**
 * The decompression half of the TurboJPEG Java API, reduced to what the embedder uses: the JNI
 * entry points are the ones exported by {@code libturbojpeg.so} itself (Debian/Ubuntu {@code
 * libturbojpeg0} 2.x, which is built with the Java binding), so the job needs only that shared
 * library — no jar outside Maven Central. The class, field and native method names are dictated by
 * the library's JNI symbols ({@code Java_org_libjpegturbo_turbojpeg_TJDecompressor_*}) and match
 * the official API, whose public methods used here have the same signatures: with the official
 * {@code turbojpeg.jar} first on a class path the adapter ({@code
 * dev.imgsearch.embedder.image.TurboJpeg}) works unchanged.
 *
 * <p>Loading the native library is the caller's job ({@code TurboJpeg} does it once, from the same
 * class loader); a call before that fails with {@link UnsatisfiedLinkError}. Not thread-safe: one
 * instance per decode.
 */
public class TJDecompressor implements Closeable {
  /** Pixel formats (TJPF_*) with 4 bytes per pixel, for {@code int[]} destinations. */
  public static final int PF_BGRX = 3;

  public static final int PF_XRGB = 5;

  /** JPEG colour spaces (TJCS_*) reported by {@link #getColorspace()}. */
  public static final int CS_RGB = 0;

  public static final int CS_YCBCR = 1;
  public static final int CS_GRAY = 2;
  public static final int CS_CMYK = 3;
  public static final int CS_YCCK = 4;

  /** TJFLAG_LIMITSCANS: fail a progressive JPEG with more than 500 scans (a decode-time bomb). */
  public static final int FLAG_LIMITSCANS = 32768;

  // read and written by the JNI code, by these names and types
  protected long handle;
  protected int jpegWidth;
  protected int jpegHeight;
  protected int jpegSubsamp = -1;
  protected int jpegColorspace = -1;
  protected byte[] jpegBuf;
  protected int jpegBufSize;

  public TJDecompressor() throws TJException {
    init();
  }

  /**
   * Associates a JPEG with this instance and reads its header (size, subsampling, colour space) —
   * no pixels.
   */
  public void setSourceImage(byte[] jpegImage, int imageSize) throws TJException {
    if (jpegImage == null || imageSize < 1 || imageSize > jpegImage.length) {
      throw new IllegalArgumentException("Invalid argument in setSourceImage()");
    }
    jpegBuf = jpegImage;
    jpegBufSize = imageSize;
    decompressHeader(jpegBuf, jpegBufSize);
  }

  public int getWidth() {
    requireImage();
    return jpegWidth;
  }

  public int getHeight() {
    requireImage();
    return jpegHeight;
  }

  public int getSubsamp() {
    requireImage();
    return jpegSubsamp;
  }

  public int getColorspace() {
    requireImage();
    return jpegColorspace;
  }

  /**
   * Decompresses into {@code dst} (one int per pixel, {@code stride} ints per row) at {@code (x,
   * y)}, scaled in the DCT domain to the largest scaling factor whose result fits {@code width ×
   * height}.
   */
  public void decompress(
      int[] dst, int x, int y, int width, int stride, int height, int pixelFormat, int flags)
      throws TJException {
    requireImage();
    if (dst == null
        || x < 0
        || y < 0
        || width < 1
        || stride < 0
        || height < 1
        || pixelFormat < 0
        || pixelFormat >= 12
        || flags < 0) {
      throw new IllegalArgumentException("Invalid argument in decompress()");
    }
    decompress(jpegBuf, jpegBufSize, dst, x, y, width, stride, height, pixelFormat, flags);
  }

  @Override
  public void close() throws TJException {
    if (handle != 0) {
      destroy();
      handle = 0;
    }
  }

  private void requireImage() {
    if (jpegBuf == null) {
      throw new IllegalStateException("No JPEG image is associated with this instance");
    }
  }

  private native void init() throws TJException;

  private native void destroy() throws TJException;

  private native void decompressHeader(byte[] src, int size) throws TJException;

  private native void decompress(
      byte[] src,
      int size,
      int[] dst,
      int x,
      int y,
      int width,
      int stride,
      int height,
      int pixelFormat,
      int flags)
      throws TJException;
}
