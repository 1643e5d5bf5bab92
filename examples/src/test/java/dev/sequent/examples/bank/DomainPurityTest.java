package dev.sequent.examples.bank;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The business classes know nothing of TCC: they import nothing of Sequent, so the same rules
 * could run under any transaction manager, or none. (Read from the sources; the module has no
 * ArchUnit, and this one rule does not need it.)
 */
class DomainPurityTest {
  static final List<String> DOMAIN = List.of("Account", "Accounts", "AccountStore",
      "InsufficientFundsException", "UnknownAccountException", "Leg");

  @Test
  void theBusinessImportsNothingOfSequent() throws IOException {
    Path dir = Path.of("src/main/java/dev/sequent/examples/bank");
    for (String name : DOMAIN) {
      List<String> imports = Files.readAllLines(dir.resolve(name + ".java")).stream()
          .filter(line -> line.startsWith("import dev.sequent.")).collect(Collectors.toList());
      assertEquals(List.of(), imports, name + " must not depend on Sequent");
    }
  }
}
