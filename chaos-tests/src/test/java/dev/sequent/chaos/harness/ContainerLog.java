package dev.sequent.chaos.harness;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;
import org.testcontainers.containers.output.OutputFrame;

/**
 * A container's stdout and stderr appended to {@code target/chaos/logs/<name>.log}, across its
 * restarts, instead of the test's own log: five JVMs' logs interleaved there would bury the
 * harness's lines, and a file per container is what one reads after a failure.
 */
final class ContainerLog implements Consumer<OutputFrame>, AutoCloseable {
  private final BufferedWriter out;

  ContainerLog(Path file) {
    try {
      Files.createDirectories(file.getParent());
      out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized void accept(OutputFrame frame) {
    String text = frame.getUtf8StringWithoutLineEnding();
    if (frame.getType() == OutputFrame.OutputType.END || text == null) {
      return;
    }
    try {
      out.write(text);
      out.newLine();
      out.flush();
    } catch (IOException e) {
      // The log is for reading after the fact; losing a line must not fail the run.
    }
  }

  @Override
  public synchronized void close() {
    try {
      out.close();
    } catch (IOException e) {
      // nothing to do
    }
  }
}
