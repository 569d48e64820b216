package dev.imgsearch.schemas.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.schemas.config.OptionRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The check each stage's options doc test makes (from this module's test-jar). */
public final class OptionDocs {
  private OptionDocs() {}

  /**
   * The option table in {@code readme} is the registry's, so that an option added, renamed or
   * re-defaulted in code shows up there; the failure message holds the table to paste.
   */
  public static void assertReadmeTableIs(Path readme, OptionRegistry registry) throws IOException {
    String table = registry.markdownTable().strip();
    assertThat(OptionRegistry.documentedTable(Files.readString(readme)))
        .as("%s option table; replace it with:%n%s%n", readme.toAbsolutePath().normalize(), table)
        .isEqualTo(table);
  }
}
