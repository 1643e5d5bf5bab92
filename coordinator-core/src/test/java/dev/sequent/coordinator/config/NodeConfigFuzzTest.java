package dev.sequent.coordinator.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Coverage-guided fuzzing of the config parser: any bytes as a node's properties file either load
 * into a config that names its own node among the peers, or fail with a {@link ConfigException}
 * that says why; no other exception, so a bad file stops start-up with one clear line.
 *
 * <p>Normal test runs replay the kept inputs in {@code NodeConfigFuzzTestInputs} (the example
 * config among them); {@code JAZZER_FUZZ=1} fuzzes.
 */
class NodeConfigFuzzTest {
  /** One file, rewritten per input: load reads a path, as the server does. */
  private static final Path FILE = tempFile();

  private static Path tempFile() {
    try {
      Path file = Files.createTempFile("sequent-config-fuzz", ".properties");
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FuzzTest(maxDuration = "15s")
  void anyFileLoadsIntoAConsistentConfigOrFailsWithAConfigException(byte[] file)
      throws IOException {
    Files.write(FILE, file);
    NodeConfig config;
    try {
      config = NodeConfig.load(FILE, Map.of());
    } catch (ConfigException e) {
      assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "a refusal says why");
      return;
    }
    assertTrue(config.peers().contains(config.self()), "the node is one of its peers");
  }
}
