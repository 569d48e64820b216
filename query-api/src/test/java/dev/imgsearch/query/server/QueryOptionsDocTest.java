package dev.imgsearch.query.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.schemas.testing.OptionDocs;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README's option table is the registry's: an option added, renamed or re-defaulted in code
 * shows up there.
 */
class QueryOptionsDocTest {
  @Test
  void theReadmeTableIsTheRegistrys() throws Exception {
    OptionDocs.assertReadmeTableIs(Path.of("README.md"), QueryServerSettings.REGISTRY);
  }

  @Test
  void secretsAreDeclaredSecret() {
    for (String secret : new String[] {"api-keys", "s3.secret-key", "milvus.token"}) {
      assertThat(QueryServerSettings.REGISTRY.options())
          .filteredOn(o -> o.key().equals(secret))
          .singleElement()
          .satisfies(o -> assertThat(o.isSecret()).as(secret).isTrue());
    }
  }
}
