package dev.imgsearch.cli;

import io.minio.MinioClient;
import io.minio.RemoveObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code imgsearch delete KEY...}: removes objects from the bucket; the pipeline then removes them
 * from the index.
 */
@Command(
    name = "delete",
    mixinStandardHelpOptions = true,
    description = {
      "Remove objects from the bucket (S3 API); the pipeline removes them from the index.",
      "KEY is the object key as search prints it after the bucket, e.g. cam-1/2024/05/cat.jpg."
    })
final class DeleteCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0..*",
      arity = "1..*",
      paramLabel = "KEY",
      description = "Object keys to remove.")
  List<String> keys;

  @Mixin S3Options s3;

  @Override
  public Integer call() throws Exception {
    for (String key : keys) {
      if (key.isBlank() || key.startsWith("/")) {
        throw new IllegalArgumentException(
            "a KEY is an object key such as cam-1/cat.jpg, got '" + key + "'");
      }
    }
    MinioClient client = s3.client();
    int deleted = 0;
    int missing = 0;
    for (String key : keys) {
      try {
        client.statObject(StatObjectArgs.builder().bucket(s3.bucket).object(key).build());
      } catch (ErrorResponseException e) {
        String code = e.errorResponse() == null ? "" : e.errorResponse().code();
        if ("NoSuchKey".equals(code)
            || "NoSuchBucket".equals(code)
            || "NoSuchObject".equals(code)
            || (e.response() != null && e.response().code() == 404)) {
          spec.commandLine()
              .getErr()
              .println("imgsearch delete: no such object: " + s3.bucket + "/" + key);
          missing++;
          continue;
        }
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(
            "cannot reach the S3 endpoint "
                + s3.endpoint
                + " (is `./imgsearch local` running?): "
                + CliErrors.describe(e),
            e);
      }
      client.removeObject(RemoveObjectArgs.builder().bucket(s3.bucket).object(key).build());
      deleted++;
    }
    spec.commandLine()
        .getOut()
        .println(
            "Deleted "
                + deleted
                + " object"
                + (deleted == 1 ? "" : "s")
                + " from "
                + s3.bucket
                + (missing > 0 ? "; " + missing + " not found" : "")
                + ". The index drops them within seconds.");
    return missing == 0 ? 0 : 1;
  }
}
