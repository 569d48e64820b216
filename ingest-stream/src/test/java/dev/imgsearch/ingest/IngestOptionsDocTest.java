package dev.imgsearch.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.schemas.testing.OptionDocs;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README's option table is the registry's: an option added, renamed or re-defaulted in code
 * shows up there.
 */
class IngestOptionsDocTest {
  @Test
  void theReadmeTableIsTheRegistrys() throws Exception {
    OptionDocs.assertReadmeTableIs(Path.of("README.md"), IngestSettings.REGISTRY);
  }

  @Test
  void helpListsEveryOption() {
    String help = IngestSettings.REGISTRY.help();
    IngestSettings.OPTIONS.forEach(o -> assertThat(help).contains("--" + o + " "));
    assertThat(help).contains("kafka.sasl.password").contains("(secret)");
  }
}
