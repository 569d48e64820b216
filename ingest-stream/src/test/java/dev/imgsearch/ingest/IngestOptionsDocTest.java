package dev.imgsearch.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's option table is the registry's: an option added, renamed or re-defaulted in code shows up there. */
class IngestOptionsDocTest {
  static final String BEGIN = "<!-- options:begin (generated from IngestSettings.REGISTRY; IngestOptionsDocTest checks it) -->";
  static final String END = "<!-- options:end -->";

  @Test
  void theReadmeTableIsTheRegistrys() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    int b = readme.indexOf(BEGIN);
    int e = readme.indexOf(END);
    assertThat(b).as("README.md has the markers").isNotNegative();
    assertThat(e).isGreaterThan(b);
    String documented = readme.substring(b + BEGIN.length(), e).strip();
    assertThat(documented)
        .as("ingest-stream/README.md option table; replace it with:%n%s", IngestSettings.REGISTRY.markdownTable())
        .isEqualTo(IngestSettings.REGISTRY.markdownTable().strip());
  }

  @Test
  void helpListsEveryOption() {
    String help = IngestSettings.REGISTRY.help();
    IngestSettings.OPTIONS.forEach(o -> assertThat(help).contains("--" + o + " "));
    assertThat(help).contains("kafka.sasl.password").contains("(secret)");
  }
}
