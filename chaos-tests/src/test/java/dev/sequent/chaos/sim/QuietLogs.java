package dev.sequent.chaos.sim;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Keeps the simulated components' logs at ERROR while a test class runs: a thousand seeds of
 * retries, reconnects and injected failures would write millions of lines, and formatting them
 * costs more than the simulation. Errors still show; the levels come back afterwards.
 */
final class QuietLogs implements BeforeAllCallback, AfterAllCallback {
  private static final String[] NAMES = {"dev.sequent.coordinator", "dev.sequent.client"};
  private final Level[] saved = new Level[NAMES.length];

  @Override
  public void beforeAll(ExtensionContext context) {
    for (int i = 0; i < NAMES.length; i++) {
      Logger logger = (Logger) LoggerFactory.getLogger(NAMES[i]);
      saved[i] = logger.getLevel();
      logger.setLevel(Level.ERROR);
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    for (int i = 0; i < NAMES.length; i++) {
      ((Logger) LoggerFactory.getLogger(NAMES[i])).setLevel(saved[i]);
    }
  }
}
