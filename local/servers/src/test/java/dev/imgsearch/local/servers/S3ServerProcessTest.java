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
  void jvmOptionsDefaultToC1OnlyAndAnOverrideReplacesThem() {
    assertThat(S3ServerProcess.jvmOptions(null)).contains("-XX:TieredStopAtLevel=1");
    assertThat(S3ServerProcess.jvmOptions("  ")).isEqualTo(S3ServerProcess.JVM_OPTIONS);
    assertThat(S3ServerProcess.jvmOptions(" " + S3ServerProcess.LONG_RUNNING_JVM_OPTIONS + "\t"))
        .containsExactly("-Xmx1g", "-XX:+UseSerialGC");
  }

  @Test
  void explicitClasspathFileWins() throws Exception {
    Path file = Files.writeString(dir.resolve("s3.classpath"), "a.jar");
    System.setProperty(S3ServerProcess.CLASSPATH_PROPERTY, file.toString());

    assertThat(S3ServerProcess.classpathFile()).isEqualTo(file);
  }
}
