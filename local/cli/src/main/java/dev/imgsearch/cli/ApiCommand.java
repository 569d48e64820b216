package dev.imgsearch.cli;

import java.io.FileNotFoundException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that talks to the query API ({@code search}, {@code watch add|list|rm}, {@code
 * alerts}): the {@link ApiOptions} and the command's output.
 */
abstract class ApiCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ApiOptions api;

  /** Prints {@code text} to the command's output, flushed; returns exit code 0. */
  int print(String text) {
    spec.commandLine().getOut().print(text);
    spec.commandLine().getOut().flush();
    return 0;
  }

  /** The query image of {@code search} and {@code watch add}: a file IMAGE or a stored --id. */
  static void requireImageOrId(Path image, String id) {
    if ((image == null) == (id == null)) {
      throw new IllegalArgumentException("give either IMAGE or --id ID");
    }
  }

  /** {@code request} POSTing the file {@code image} with its content type. */
  static HttpRequest.Builder postImage(HttpRequest.Builder request, Path image)
      throws FileNotFoundException {
    if (!Files.isRegularFile(image)) {
      throw new IllegalArgumentException("no such file: " + image);
    }
    return request
        .header("Content-Type", "image/" + SearchCommand.contentSubtype(image))
        .POST(HttpRequest.BodyPublishers.ofFile(image));
  }

  /** A watch id as the API names them; a bad one is a usage error naming it. */
  static String watchId(String id) {
    if (!id.matches("[A-Za-z0-9._:-]{1,128}")) {
      throw new IllegalArgumentException("not a watch id: '" + id + "'");
    }
    return id;
  }
}
