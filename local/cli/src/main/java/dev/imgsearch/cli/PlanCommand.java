package dev.imgsearch.cli;

import dev.imgsearch.cli.plan.CapacityModel;
import dev.imgsearch.cli.plan.CapacityPlan;
import dev.imgsearch.cli.plan.PlanInputs;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code imgsearch plan}: prints the capacity a deployment needs ({@link CapacityModel};
 * docs/scaling.md).
 */
@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    description = {
      "Print the capacity a deployment needs: job cores, Flink slots, Kafka partitions",
      "and bytes, object-store bytes, vector rows, vector-store memory per index type,",
      "Milvus query nodes. Per-core figures: docs/benchmarks.md; see docs/scaling.md."
    })
final class PlanCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--cameras",
      required = true,
      description = "Sources (cameras, or upload streams).")
  double cameras;

  @Option(names = "--fps", required = true, description = "Frames (images) per second per source.")
  double fps;

  @Option(
      names = "--megapixels",
      required = true,
      description = "Megapixels per frame (0.3 = 640×480).")
  double megapixels;

  @Option(
      names = "--retention-days",
      required = true,
      description = "Days the index and the objects are kept.")
  double retentionDays;

  @Option(
      names = "--gate-skip",
      defaultValue = "0.75",
      description =
          "Share of frames scene-change gating skips (default: ${DEFAULT-VALUE}; 0.756 on vtest.avi; 0 for photos).")
  double gateSkip;

  @Option(
      names = "--detect",
      defaultValue = "none",
      description = "none, objects or objects,faces (default: ${DEFAULT-VALUE}).")
  String detect;

  @Option(
      names = "--dimension",
      defaultValue = "576",
      description = "Frame vector dimension (default: ${DEFAULT-VALUE}).")
  int dimension;

  @Option(
      names = "--objects-per-frame",
      defaultValue = "2",
      description = "Objects found per embedded frame when detecting (default: ${DEFAULT-VALUE}).")
  double objectsPerFrame;

  @Option(
      names = "--faces-per-frame",
      defaultValue = "1",
      description =
          "Faces found per embedded frame with objects,faces (default: ${DEFAULT-VALUE}).")
  double facesPerFrame;

  @Option(
      names = "--kafka-retention-days",
      defaultValue = "7",
      description = "Days Kafka keeps the topics (default: ${DEFAULT-VALUE}).")
  double kafkaRetentionDays;

  @Option(
      names = "--slots-per-taskmanager",
      defaultValue = "4",
      description = "Slots (cores) per TaskManager (default: ${DEFAULT-VALUE}).")
  int slotsPerTaskManager;

  @Option(
      names = "--qps",
      defaultValue = "10",
      description = "Searches per second to serve (default: ${DEFAULT-VALUE}).")
  double qps;

  @Option(
      names = "--query-node-cores",
      defaultValue = "16",
      description = "Cores per Milvus query node (default: ${DEFAULT-VALUE}).")
  int queryNodeCores;

  @Option(
      names = "--query-node-gb",
      defaultValue = "64",
      description = "RAM per Milvus query node, GB (default: ${DEFAULT-VALUE}).")
  double queryNodeGb;

  @Override
  public Integer call() {
    PlanInputs in =
        new PlanInputs(
            cameras,
            fps,
            megapixels,
            retentionDays,
            gateSkip,
            CapacityModel.Detect.parse(detect),
            dimension,
            objectsPerFrame,
            facesPerFrame,
            kafkaRetentionDays,
            slotsPerTaskManager,
            qps,
            queryNodeCores,
            queryNodeGb);
    CapacityPlan plan = CapacityModel.plan(in);
    spec.commandLine().getOut().print(plan.render());
    spec.commandLine().getOut().flush();
    return 0;
  }
}
