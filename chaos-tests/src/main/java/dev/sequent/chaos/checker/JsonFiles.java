package dev.sequent.chaos.checker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads and writes the checker's JSON documents as UTF-8 files. */
final class JsonFiles {
  private static final Logger LOG = LoggerFactory.getLogger(JsonFiles.class);

  private JsonFiles() {}

  /** Writes the text and a final newline, creating the directories, replacing the file. */
  static void write(Path file, String json) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, json + "\n", StandardCharsets.UTF_8);
    LOG.info("wrote {}", file);
  }

  static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }
}
