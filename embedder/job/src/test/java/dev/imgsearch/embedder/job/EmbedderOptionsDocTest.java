package dev.imgsearch.embedder.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.schemas.config.OptionRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README's option table is the registry's: an option added, renamed or re-defaulted in code
 * shows up there.
 */
class EmbedderOptionsDocTest {
  @Test
  void theReadmeTableIsTheRegistrys() throws Exception {
    String table = EmbedderOptions.REGISTRY.markdownTable().strip();
    assertThat(OptionRegistry.documentedTable(Files.readString(Path.of("../README.md"))))
        .as("embedder/README.md option table; replace it with:%n%s%n", table)
        .isEqualTo(table);
  }
}
