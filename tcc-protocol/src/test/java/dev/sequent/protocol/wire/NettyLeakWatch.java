package dev.sequent.protocol.wire;

import static org.junit.jupiter.api.Assertions.fail;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Fails a test when Netty's leak detector reports a leaked buffer while it runs.
 *
 * <p>Netty reports leaks only by logging (logger {@value #DETECTOR_LOGGER}, level ERROR), and only
 * when a later allocation finds a collected-but-unreleased buffer. So this watch captures that
 * logger's events, and after the test collects garbage and allocates a few buffers to make the
 * detector report what it found. {@link NettyLeakWatchTest} proves the watch sees a real leak.
 * Shared with other modules' tests through tcc-protocol's test-jar.
 */
public final class NettyLeakWatch implements BeforeEachCallback, AfterEachCallback {
  static final String DETECTOR_LOGGER = "io.netty.util.ResourceLeakDetector";
  private static final String APPENDER_KEY = "leakAppender";

  @Override
  public void beforeEach(ExtensionContext context) {
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    context.getStore(ExtensionContext.Namespace.GLOBAL).put(APPENDER_KEY, attach());
  }

  @Override
  public void afterEach(ExtensionContext context) {
    @SuppressWarnings("unchecked")
    ListAppender<ILoggingEvent> appender = (ListAppender<ILoggingEvent>)
        context.getStore(ExtensionContext.Namespace.GLOBAL).remove(APPENDER_KEY);
    try {
      List<String> leaks = flushAndCollect(appender, 4);
      if (!leaks.isEmpty()) {
        fail("Netty reported " + leaks.size() + " leak(s):\n" + String.join("\n", leaks));
      }
    } finally {
      detach(appender);
    }
  }

  /** Starts capturing the detector's reports. */
  static ListAppender<ILoggingEvent> attach() {
    Logger logger = (Logger) LoggerFactory.getLogger(DETECTOR_LOGGER);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.setContext(logger.getLoggerContext());
    appender.start();
    logger.addAppender(appender);
    return appender;
  }

  static void detach(ListAppender<ILoggingEvent> appender) {
    Logger logger = (Logger) LoggerFactory.getLogger(DETECTOR_LOGGER);
    logger.detachAppender(appender);
    appender.stop();
  }

  /**
   * Makes the detector report leaks of buffers that are garbage by now: collects garbage, then
   * allocates, since the detector only looks at its queue on allocation.
   */
  static List<String> flushAndCollect(ListAppender<ILoggingEvent> appender, int rounds) {
    for (int round = 0; round < rounds; round++) {
      System.gc();
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      for (int i = 0; i < 4; i++) {
        ByteBuf unpooled = UnpooledByteBufAllocator.DEFAULT.buffer(8);
        unpooled.release();
        ByteBuf pooled = PooledByteBufAllocator.DEFAULT.buffer(8);
        pooled.release();
      }
    }
    synchronized (appender.list) {
      return appender.list.stream()
          .filter(event -> event.getLevel().isGreaterOrEqual(Level.ERROR))
          .map(ILoggingEvent::getFormattedMessage)
          .filter(message -> message.contains("LEAK"))
          .collect(Collectors.toList());
    }
  }
}
