package dev.imgsearch.embedder.job;

import static dev.imgsearch.embedder.job.GatedFrames.created;
import static dev.imgsearch.embedder.job.GatedFrames.deleted;
import static dev.imgsearch.embedder.job.GatedFrames.id;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.embedder.gate.Scene;
import dev.imgsearch.embedder.gate.SceneGate;
import dev.imgsearch.embedder.gate.Scenes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Scene-change gating in the stage without Flink, on real camera frames and the real model. */
class ImagePipelineGatingTest extends EmbedderPerClass {
  static ImagePipeline pipeline;
  final SceneGate gate = new SceneGate(SceneGate.Settings.DEFAULT);
  final Map<String, Scene> state = new HashMap<>();
  final Scenes scenes =
      new Scenes() {
        @Override
        public Scene get(String source) {
          return state.get(source);
        }

        @Override
        public void put(String source, Scene scene) {
          state.put(source, scene);
        }
      };

  @BeforeAll
  static void createPipeline() {
    pipeline = new ImagePipeline(GatedFrames.FETCHER.create(), embedder);
  }

  ImagePipeline.Completed run(KafkaRecord... records) throws Exception {
    List<ImagePipeline.Prepared> prepared = new ArrayList<>();
    for (KafkaRecord r : records) {
      prepared.add(pipeline.prepare(r));
    }
    return pipeline.complete(prepared, gate, scenes);
  }

  @Test
  void aRunOfNearIdenticalFramesIsEmbeddedOnceAndEveryFrameIsIndexedWithItsRepresentative()
      throws Exception {
    ImagePipeline.Completed done =
        run(
            created("cam-1", 501, 0),
            created("cam-1", 502, 1),
            created("cam-1", 503, 2),
            created("cam-1", 504, 3));

    assertThat(done.embedded()).isEqualTo(2); // 501 and 504 (a person enters)
    assertThat(done.gated()).isEqualTo(2);
    assertThat(done.modelCalls()).isEqualTo(1);
    assertThat(done.changes())
        .extracting(c -> c.imageId)
        .containsExactly(id("cam-1", 501), id("cam-1", 502), id("cam-1", 503), id("cam-1", 504));
    EmbeddingChange first = done.changes().get(0);
    assertThat(first.representativeId).isNull();
    assertThat(first.sceneStartMillis).isNull();
    for (EmbeddingChange c : done.changes().subList(1, 3)) {
      assertThat(c.representativeId).isEqualTo(id("cam-1", 501));
      assertThat(c.sceneStartMillis).isEqualTo(50_100L);
      assertThat(c.vector).isEqualTo(first.vector);
      assertThat(c.model).isEqualTo(first.model);
      assertThat(c.key).isNotEqualTo(first.key); // its own id, key, time and tags
      assertThat(c.tags).containsExactly("gate");
    }
    assertThat(done.changes().get(2).capturedAtMillis).isEqualTo(50_300L);
    assertThat(done.changes().get(2).phash).isNotNull();
    EmbeddingChange entered = done.changes().get(3);
    assertThat(entered.representativeId).isNull();
    assertThat(entered.vector).isNotEqualTo(first.vector);
    Scene scene = state.get("cam-1");
    assertThat(scene.representativeId).isEqualTo(id("cam-1", 504));
    assertThat(scene.vector).isEqualTo(entered.vector);
    assertThat(scene.frames).isEqualTo(1);
  }

  @Test
  void theSceneCarriesOverToTheNextBatchAndTwoSourcesDoNotInterfere() throws Exception {
    run(created("cam-1", 501, 0));
    // cam-2 starts with a frame that has the person in it; cam-1's frames are still its first scene
    ImagePipeline.Completed done =
        run(
            created("cam-2", 505, 1),
            created("cam-1", 502, 2),
            created("cam-2", 506, 3),
            created("cam-1", 503, 4),
            created(null, 503, 5), // no source: never gated
            deleted("cam-1", 501, 6));

    assertThat(done.changes())
        .extracting(c -> c.deleted ? "-" + c.imageId : c.imageId + "→" + c.representativeId)
        .containsExactly(
            id("cam-2", 505) + "→null",
            id("cam-1", 502) + "→" + id("cam-1", 501),
            id("cam-2", 506) + "→" + id("cam-2", 505),
            id("cam-1", 503) + "→" + id("cam-1", 501),
            id(null, 503) + "→null",
            "-" + id("cam-1", 501));
    assertThat(done.embedded()).isEqualTo(2);
    assertThat(done.gated()).isEqualTo(3);
    assertThat(done.deleted()).isEqualTo(1);
    assertThat(state.get("cam-1").frames).isEqualTo(3);
    assertThat(state.get("cam-1").lastMillis).isEqualTo(50_300L);
    assertThat(state.get("cam-2").representativeId).isEqualTo(id("cam-2", 505));
    assertThat(state).doesNotContainKey(null);
  }

  @Test
  void aFrameArrivingAfterANewerOneOfTheSameSceneJoinsItAsOfItsOwnCaptureTime() throws Exception {
    run(created("cam-1", 503, 0));
    ImagePipeline.Completed done =
        run(created("cam-1", 502, 1)); // out of order: captured 100 ms before the scene started

    assertThat(done.embedded()).isZero();
    assertThat(done.gated()).isEqualTo(1);
    assertThat(done.changes().get(0).representativeId).isEqualTo(id("cam-1", 503));
    assertThat(done.changes().get(0).sceneStartMillis).isEqualTo(50_200L);
    assertThat(state.get("cam-1").representativeId).isEqualTo(id("cam-1", 503));
    assertThat(state.get("cam-1").startMillis).isEqualTo(50_300L);
    assertThat(state.get("cam-1").frames).isEqualTo(2);
  }

  @Test
  void aReplayedFrameFromLongBeforeTheSceneIsEmbeddedAloneAndLeavesTheScene() throws Exception {
    run(created("cam-1", 503, 0));
    state.get("cam-1").startMillis = 50_200L + 20_000L; // the scene began 20 s after frame 502

    ImagePipeline.Completed done = run(created("cam-1", 502, 1));

    assertThat(done.embedded()).isEqualTo(1);
    assertThat(done.changes().get(0).representativeId).isNull();
    assertThat(state.get("cam-1").representativeId).isEqualTo(id("cam-1", 503));
    assertThat(state.get("cam-1").frames).isEqualTo(1);
  }

  @Test
  void withGatingOffEveryFrameIsEmbedded() throws Exception {
    List<ImagePipeline.Prepared> prepared = new ArrayList<>();
    for (int n = 501; n <= 503; n++) {
      prepared.add(pipeline.prepare(created("cam-1", n, n)));
    }
    ImagePipeline.Completed done =
        pipeline.complete(prepared, new SceneGate(SceneGate.Settings.OFF), scenes);
    assertThat(done.embedded()).isEqualTo(3);
    assertThat(done.gated()).isZero();
    assertThat(done.changes()).allSatisfy(c -> assertThat(c.representativeId).isNull());
    assertThat(state).isEmpty();
  }

  @Test
  void withDetectionOnlyTheFramesThatGoThroughTheModelGetItemsAndEachIsDetectedOnce()
      throws Exception {
    List<Integer> detectedWidths = new ArrayList<>();
    FrameItems.Detector person =
        frame -> {
          detectedWidths.add(frame.getWidth());
          return new dev.imgsearch.embedder.detect.FrameDetector.Result(
              List.of(
                  dev.imgsearch.embedder.detect.Detection.object(
                      0, 0.9f, new dev.imgsearch.embedder.detect.Box(0.1f, 0.1f, 0.5f, 0.9f))),
              List.of());
        };
    ImagePipeline detecting = new ImagePipeline(GatedFrames.FETCHER.create(), embedder, person);
    List<ImagePipeline.Prepared> prepared = new ArrayList<>();
    for (KafkaRecord r :
        List.of(created("cam-1", 501, 0), created("cam-1", 502, 1), created("cam-1", 504, 2))) {
      prepared.add(detecting.prepare(r));
    }
    ImagePipeline.Completed done = detecting.complete(prepared, gate, scenes);

    assertThat(done.gated()).isEqualTo(1);
    assertThat(detectedWidths).hasSize(2); // 501 and 504, not the gated 502
    assertThat(done.changes()).extracting(c -> c.items.size()).containsExactly(1, 0, 1);
    assertThat(done.changes().get(1).representativeId).isEqualTo(id("cam-1", 501));
    assertThat(done.objects()).isEqualTo(2);
    assertThat(done.changes().get(0).items.get(0).vector()).hasSize(576);
  }
}
