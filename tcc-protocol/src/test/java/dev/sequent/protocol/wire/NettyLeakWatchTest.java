package dev.sequent.protocol.wire;

import static org.junit.jupiter.api.Assertions.assertFalse;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Proves that {@link NettyLeakWatch} would fail a test that leaks: without this, a clean run of the
 * codec tests would prove nothing.
 */
class NettyLeakWatchTest {

  @Test
  void aDeliberateLeakIsSeen() {
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    ListAppender<ILoggingEvent> appender = NettyLeakWatch.attach();
    try {
      leakOneBuffer();
      // GC timing is not ours to control: keep flushing for a bounded while.
      List<String> leaks = List.of();
      for (int attempt = 0; attempt < 50 && leaks.isEmpty(); attempt++) {
        leaks = NettyLeakWatch.flushAndCollect(appender, 1);
      }
      assertFalse(leaks.isEmpty(), "the leak detector did not report a leaked buffer");
    } finally {
      NettyLeakWatch.detach(appender);
    }
  }

  private static void leakOneBuffer() {
    ByteBuf leaked = UnpooledByteBufAllocator.DEFAULT.buffer(16);
    leaked.writeLong(42);
    // Deliberately not released; the reference dies with this frame.
  }
}
