package dev.imgsearch.embedder.gate;

/**
 * The scene a source is in: its representative (the last frame of the source that went through the
 * model), that frame's signature and vector, and how long the scene has lasted. The per-source
 * state of the gated embedding step (checkpointed). Public mutable fields make it a Flink POJO.
 */
public class Scene {
  /** Image id of the representative. */
  public String representativeId;

  /** {@link FrameSignature#phash()} of the representative. */
  public long phash;

  /** {@link FrameSignature#thumbnail()} of the representative. */
  public byte[] thumbnail;

  /** The representative's vector, shared by every frame of the scene. */
  public float[] vector;

  /**
   * {@code id@version} of the model that made {@link #vector}; a scene of another model is not
   * reused.
   */
  public String model;

  /** Capture time of the representative: the scene's start. */
  public long startMillis;

  /** Capture time of the newest frame of the scene. */
  public long lastMillis;

  /** Frames in the scene, the representative included. */
  public int frames;

  public Scene() {}

  /** A scene that starts with a frame just embedded. */
  public static Scene startedBy(
      String representativeId,
      FrameSignature signature,
      float[] vector,
      String model,
      long capturedAtMillis) {
    Scene s = new Scene();
    s.representativeId = representativeId;
    s.phash = signature.phash();
    s.thumbnail = signature.thumbnail();
    s.vector = vector;
    s.model = model;
    s.startMillis = capturedAtMillis;
    s.lastMillis = capturedAtMillis;
    s.frames = 1;
    return s;
  }

  /** The representative's signature. */
  public FrameSignature signature() {
    return new FrameSignature(phash, thumbnail);
  }

  /** Counts one more frame of the scene, captured at {@code capturedAtMillis}. */
  public void extendTo(long capturedAtMillis) {
    frames++;
    lastMillis = Math.max(lastMillis, capturedAtMillis);
  }

  @Override
  public String toString() {
    return "Scene["
        + representativeId
        + " "
        + startMillis
        + ".."
        + lastMillis
        + " frames="
        + frames
        + "]";
  }
}
