package dev.imgsearch.local.servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class S3ServerProcessTest {
  @TempDir Path dir;

  @AfterEach
  void clearProperties() {
    System.clearProperty(S3ServerProcess.CLASSPATH_PROPERTY);
  }

  @Test
  void missingClasspathFileNamesTheBuildCommand() {
    System.setProperty(
        S3ServerProcess.CLASSPATH_PROPERTY, dir.resolve("absent.classpath").toString());

    assertThatThrownBy(S3ServerProcess::classpathFile)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("absent.classpath")
        .hasMessageContaining(S3ServerProcess.BUILD_COMMAND);
  }

  @Test
  void explicitClasspathFileWins() throws Exception {
    Path file = Files.writeString(dir.resolve("s3.classpath"), "a.jar");
    System.setProperty(S3ServerProcess.CLASSPATH_PROPERTY, file.toString());

    assertThat(S3ServerProcess.classpathFile()).isEqualTo(file);
  }
}
