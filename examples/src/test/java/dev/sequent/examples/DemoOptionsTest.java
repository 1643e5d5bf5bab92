package dev.sequent.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The demo's command line: defaults, both spellings, and clear refusals. */
class DemoOptionsTest {

  @Test
  void defaultsAndBothSpellings() throws Exception {
    DemoOptions defaults = DemoOptions.parse();
    assertEquals(DemoOptions.TRANSFERS_DEFAULT, defaults.transfers());
    assertEquals(DemoOptions.CONCURRENCY_DEFAULT, defaults.concurrency());
    DemoOptions given = DemoOptions.parse("--transfers", "60", "--concurrency=4",
        "--kill-leader", "--seed", "7", "", "--progress=lines", "--accounts", "3");
    assertEquals(new DemoOptions(60, 4, true, 7, 3, Progress.Mode.LINES), given);
  }

  @Test
  void badCommandLinesAreRefusedWithTheReason() {
    assertRefused("unknown option --transfer", "--transfer", "5");
    assertRefused("--seed needs a value", "--seed");
    assertRefused("--concurrency must be between 1 and 1024, was 0", "--concurrency", "0");
    assertRefused("--transfers needs a whole number, was 'many'", "--transfers", "many");
    assertRefused("--progress must be auto, bar or lines, was 'fancy'", "--progress", "fancy");
  }

  @Test
  void aBadCommandLineExitsWithTwo() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream err = System.err;
    try (PrintStream capture = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      System.setErr(capture);
      assertEquals(2, Demo.run(System.out, "--bogus"));
    } finally {
      System.setErr(err);
    }
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("demo: unknown option --bogus") && text.contains("Usage:"), text);
  }

  private static void assertRefused(String message, String... args) {
    DemoOptions.UsageException refused =
        assertThrows(DemoOptions.UsageException.class, () -> DemoOptions.parse(args));
    assertEquals(message, refused.getMessage());
  }
}
