package dev.imgsearch.embedder.gate;

/** Where the current scene of each source is kept: a map in tests, Flink keyed state in the job. */
public interface Scenes {
  /** The source's scene, or null. */
  Scene get(String source);

  /** Replaces the source's scene. */
  void put(String source, Scene scene);

  /** No state: nothing is gated across batches (only within one). */
  Scenes NONE =
      new Scenes() {
        @Override
        public Scene get(String source) {
          return null;
        }

        @Override
        public void put(String source, Scene scene) {}
      };
}
