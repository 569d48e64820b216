package dev.imgsearch.embedder.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.embedder.gate.SceneGate;
import dev.imgsearch.indexer.sink.SinkOptions;
import dev.imgsearch.indexer.sink.VectorStoreSink;
import dev.imgsearch.indexer.store.StoreSettings;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/**
 * The job graph at parallelism 2 (as on a cluster of TaskManagers): where the vector-store sink may
 * run in parallel.
 */
class EmbedderJobGraphTest {
  @Test
  void embeddedStoreSinkIsOneSubtaskTheRestKeepsTheJobParallelism() {
    Map<String, StreamNode> nodes = graph(StoreSettings.embedded("/tmp/vectors", "images", 576));
    assertThat(sinkParallelism(nodes)).isEqualTo(1);
    assertThat(nodes.get("fetch-decode-embed").getParallelism()).isEqualTo(2);
  }

  @Test
  void milvusSinkRunsAtTheJobParallelism() {
    Map<String, StreamNode> nodes =
        graph(StoreSettings.milvus("http://milvus:19530", null, "images", 576, "BOUNDED"));
    assertThat(sinkParallelism(nodes)).isEqualTo(2);
  }

  private static int sinkParallelism(Map<String, StreamNode> nodes) {
    return nodes.entrySet().stream()
        .filter(e -> e.getKey().startsWith("vector-store"))
        .findFirst()
        .orElseThrow()
        .getValue()
        .getParallelism();
  }

  private static Map<String, StreamNode> graph(StoreSettings store) {
    EmbedderSettings s = EmbedderSettings.fromMap(EmbedderSettingsTest.required());
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2);
    EmbedOperator.Config embed =
        new EmbedOperator.Config(
            new MinioObjectFetcher.Settings(
                "http://s3", "a", "s", 1024, FetchErrors.Policy.DEFAULT),
            s.model(),
            s.limits(),
            s.onnx(),
            4,
            Duration.ofMillis(50),
            1,
            SceneGate.Settings.OFF,
            DetectSettings.NONE);
    EmbedderJob.build(
        env,
        EmbedderJob.source(s),
        embed,
        new VectorStoreSink(store, SinkOptions.of(16)),
        EmbedderJob.deadLetterSink(s),
        null,
        null);
    Map<String, StreamNode> nodes = new java.util.HashMap<>();
    env.getStreamGraph().getStreamNodes().forEach(n -> nodes.put(n.getOperatorName(), n));
    return nodes;
  }
}
