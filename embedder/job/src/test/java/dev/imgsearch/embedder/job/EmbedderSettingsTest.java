package dev.imgsearch.embedder.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmbedderSettingsTest {
  static Map<String, String> required() {
    Map<String, String> m = new HashMap<>();
    m.put("kafka.bootstrap-servers", "k:9092");
    m.put("s3.endpoint", "http://s3");
    m.put("s3.access-key", "a");
    m.put("s3.secret-key", "s");
    m.put("store.kind", "embedded");
    m.put("store.path", "/tmp/x");
    return m;
  }

  @Test
  void defaults() {
    EmbedderSettings s = EmbedderSettings.fromMap(required());
    assertThat(s.batchSize()).isEqualTo(EmbedderSettings.DEFAULT_BATCH_SIZE);
    assertThat(s.batchMaxDelay()).isEqualTo(EmbedderSettings.DEFAULT_BATCH_MAX_DELAY);
    assertThat(s.embeddingsTopic()).isEqualTo("imgsearch.embeddings");
    assertThat(s.onnx().intraOpThreads()).isZero();
    assertThat(s.limits().maxPixels()).isEqualTo(50_000_000L);
    assertThat(s.checkpointInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.describe())
        .containsEntry("s3.secret-key", "****")
        .containsEntry("batch.size", Integer.toString(EmbedderSettings.DEFAULT_BATCH_SIZE));
  }

  @Test
  void optionsAreRead() {
    Map<String, String> m = required();
    m.put("batch.size", "12");
    m.put("batch.max-delay", "20ms");
    m.put("onnx.intra-op-threads", "2");
    m.put("onnx.allow-spinning", "true");
    m.put("decode.threads", "3");
    m.put("decode.max-pixels", "1000");
    m.put("decode.max-raster-bytes", "1048576");
    m.put("decode.max-aspect-ratio", "20");
    m.put("topic.embeddings", "none");
    m.put("checkpoint.interval", "PT1S");
    EmbedderSettings s = EmbedderSettings.fromMap(m);
    assertThat(s.batchSize()).isEqualTo(12);
    assertThat(s.batchMaxDelay()).isEqualTo(Duration.ofMillis(20));
    assertThat(s.onnx().intraOpThreads()).isEqualTo(2);
    assertThat(s.onnx().allowSpinning()).isTrue();
    assertThat(EmbedderSettings.fromMap(required()).onnx().allowSpinning())
        .isFalse(); // the job's default
    assertThat(s.decodeThreads()).isEqualTo(3);
    assertThat(s.limits().maxPixels()).isEqualTo(1000);
    assertThat(s.limits().maxRasterBytes()).isEqualTo(1L << 20);
    assertThat(s.limits().maxAspectRatio()).isEqualTo(20);
    assertThat(s.embeddingsTopic()).isNull();
    assertThat(s.checkpointInterval()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void theFetchSizeLimitIs64MiBByDefaultAndCanBeSet() {
    assertThat(EmbedderSettings.fromMap(required()).fetchMaxBytes()).isEqualTo(64L << 20);
    Map<String, String> m = required();
    m.put("fetch.max-bytes", "1048576");
    assertThat(EmbedderSettings.fromMap(m).fetchMaxBytes()).isEqualTo(1L << 20);
    assertThat(EmbedderSettings.fromMap(m).describe()).containsEntry("fetch.max-bytes", "1048576");
    m.put("fetch.max-bytes", "0");
    assertThatThrownBy(() -> EmbedderSettings.fromMap(m)).hasMessageContaining("fetch.max-bytes");
    m.put("fetch.max-bytes", "99999999999");
    assertThatThrownBy(() -> EmbedderSettings.fromMap(m)).hasMessageContaining("fetch.max-bytes");
  }

  @Test
  void badValuesNameTheOption() {
    Map<String, String> m = required();
    m.put("batch.size", "lots");
    assertThatThrownBy(() -> EmbedderSettings.fromMap(m)).hasMessageContaining("batch.size");
    Map<String, String> spin = required();
    spin.put("onnx.allow-spinning", "maybe");
    assertThatThrownBy(() -> EmbedderSettings.fromMap(spin))
        .hasMessageContaining("onnx.allow-spinning");
    m.put("batch.size", "0");
    assertThatThrownBy(() -> EmbedderSettings.fromMap(m)).hasMessageContaining("batch.size");
    m.put("batch.size", "4");
    m.put("batch.max-delay", "soon");
    assertThatThrownBy(() -> EmbedderSettings.fromMap(m)).hasMessageContaining("batch.max-delay");
    Map<String, String> noS3 = required();
    noS3.remove("s3.endpoint");
    assertThatThrownBy(() -> EmbedderSettings.fromMap(noS3)).hasMessageContaining("s3.endpoint");
  }

  @Test
  void secretsComeFromTheEnvironmentAndArgumentsWin() {
    Map<String, String> args = required();
    args.remove("s3.access-key");
    args.remove("s3.secret-key");
    args.put("batch.size", "4");
    EmbedderSettings s =
        EmbedderSettings.fromEnv(
            Map.of(
                "IMGSEARCH_EMBEDDER_S3_ACCESS_KEY",
                "env-ak",
                "IMGSEARCH_EMBEDDER_S3_SECRET_KEY",
                "env-sk",
                "IMGSEARCH_EMBEDDER_BATCH_SIZE",
                "32",
                "UNRELATED",
                "x"),
            args);
    org.assertj.core.api.Assertions.assertThat(s.s3AccessKey()).isEqualTo("env-ak");
    org.assertj.core.api.Assertions.assertThat(s.s3SecretKey()).isEqualTo("env-sk");
    org.assertj.core.api.Assertions.assertThat(s.batchSize()).isEqualTo(4);
    org.assertj.core.api.Assertions.assertThat(EmbedderSettings.envName("batch.max-delay"))
        .isEqualTo("IMGSEARCH_EMBEDDER_BATCH_MAX_DELAY");
  }

  @Test
  void watchesAreOffUnlessBothTopicsAreSet() {
    EmbedderSettings off = EmbedderSettings.fromMap(required());
    assertThat(off.watchesTopic()).isNull();
    assertThat(off.alertsTopic()).isNull();
    assertThat(Watching.of(off)).isNull();
    assertThat(off.describe()).containsEntry("topic.watches", "none");

    Map<String, String> m = required();
    m.put("topic.watches", "imgsearch.watches");
    m.put("topic.alerts", "imgsearch.alerts");
    EmbedderSettings on = EmbedderSettings.fromMap(m);
    assertThat(on.watchesTopic()).isEqualTo("imgsearch.watches");
    assertThat(on.alertsTopic()).isEqualTo("imgsearch.alerts");
    assertThat(Watching.of(on)).isNotNull();

    m.put("topic.alerts", "none");
    assertThatThrownBy(() -> EmbedderSettings.fromMap(m))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("topic.watches and topic.alerts");
  }

  @Test
  void sceneGatingIsOffUnlessEnabledAndItsThresholdsAreChecked() {
    EmbedderSettings off = EmbedderSettings.fromMap(required());
    assertThat(off.gate().enabled()).isFalse();
    assertThat(off.describe()).containsEntry("gate.enabled", "false");
    Map<String, String> m = required();
    m.put("gate.enabled", "true");
    EmbedderSettings defaults = EmbedderSettings.fromMap(m);
    assertThat(defaults.gate()).isEqualTo(dev.imgsearch.embedder.gate.SceneGate.Settings.DEFAULT);
    m.put("gate.max-phash-distance", "6");
    m.put("gate.max-mean-diff", "4.5");
    m.put("gate.max-scene-age", "30s");
    m.put("gate.max-scene-frames", "100");
    EmbedderSettings s = EmbedderSettings.fromMap(m);
    assertThat(s.gate().maxPhashDistance()).isEqualTo(6);
    assertThat(s.gate().maxMeanDiff()).isEqualTo(4.5);
    assertThat(s.gate().maxSceneAge()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.gate().maxSceneFrames()).isEqualTo(100);
    assertThat(s.describe()).containsEntry("gate.max-mean-diff", "4.5");
    m.put("gate.max-mean-diff", "a lot");
    assertThatThrownBy(() -> EmbedderSettings.fromMap(m))
        .hasMessageContaining("gate.max-mean-diff");
    m.put("gate.max-mean-diff", "300");
    assertThatThrownBy(() -> EmbedderSettings.fromMap(m))
        .hasMessageContaining("gate.max-mean-diff");
    m.put("gate.max-mean-diff", "2");
    m.put("gate.enabled", "yes");
    assertThatThrownBy(() -> EmbedderSettings.fromMap(m)).hasMessageContaining("gate.enabled");
  }

  @Test
  void detectionIsOffByDefaultAndItsOptionsAreChecked() {
    EmbedderSettings off = EmbedderSettings.fromMap(required());
    assertThat(off.detect().mode().any()).isFalse();
    assertThat(off.describe()).containsEntry("detect", "none").doesNotContainKey("detect.classes");
    Map<String, String> m = required();
    m.put("detect", "faces, objects");
    m.put("detect.classes", "Person, car");
    m.put("detect.min-score", "0.3");
    m.put("detect.max-objects", "5");
    m.put("detect.face-min-score", "0.6");
    m.put("detect.max-faces", "3");
    DetectSettings d = EmbedderSettings.fromMap(m).detect();
    assertThat(d.detect()).isEqualTo("objects,faces");
    assertThat(d.objectOptions().classes()).containsExactlyInAnyOrder(0, 2);
    assertThat(d.objectOptions().minScore()).isEqualTo(0.3f);
    assertThat(d.objectOptions().maxCount()).isEqualTo(5);
    assertThat(d.faceOptions().minScore()).isEqualTo(0.6f);
    assertThat(d.faceOptions().maxCount()).isEqualTo(3);
    m.put("detect.classes", "person,unicorn");
    assertThatThrownBy(() -> EmbedderSettings.fromMap(m))
        .hasMessageContaining("detect.classes")
        .hasMessageContaining("unicorn");
    m.put("detect.classes", "");
    m.put("detect", "objects,cars");
    assertThatThrownBy(() -> EmbedderSettings.fromMap(m))
        .hasMessageContaining("detect")
        .hasMessageContaining("cars");
    m.put("detect", "objects");
    m.put("detect.max-objects", "0");
    assertThatThrownBy(() -> EmbedderSettings.fromMap(m))
        .hasMessageContaining("detect.*")
        .hasMessageContaining("maxCount");
  }
}
