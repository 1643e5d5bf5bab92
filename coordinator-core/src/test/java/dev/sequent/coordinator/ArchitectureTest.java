package dev.sequent.coordinator;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Enforces the architecture instead of reviewing it: the transaction table and the log format are
 * pure (DESIGN.md rule 2: no Ratis, Netty or RocksDB, no clock, no randomness, no threads), and
 * the storage module knows nothing of the coordinator. Each rule first proves that it has classes
 * to check, so a renamed package cannot make it pass vacuously.
 */
class ArchitectureTest {

  private static final String TABLE = "dev.sequent.coordinator.table";
  private static final String LOG = "dev.sequent.coordinator.log";

  private static JavaClasses mainClasses(String... packages) {
    JavaClasses classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages(packages);
    for (String pkg : packages) {
      assertTrue(classes.stream().anyMatch(c -> c.getPackageName().equals(pkg)),
          "no classes imported from " + pkg + ": the rules would check nothing");
    }
    return classes;
  }

  @Test
  void tableAndLogImportNoInfrastructure() {
    ArchRule rule = noClasses().that().resideInAnyPackage(TABLE + "..", LOG + "..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "org.apache.ratis..", "io.netty..", "org.rocksdb..", "com.google.protobuf..",
            "java.util.concurrent..", "java.net..", "java.nio.file..", "java.sql..")
        .because("the core is pure: it imports no Ratis, Netty or RocksDB and does no I/O");
    rule.check(mainClasses(TABLE, LOG));
  }

  @Test
  void tableAndLogReadNoClockAndUseNoRandomnessOrThreads() {
    ArchRule rule = noClasses().that().resideInAnyPackage(TABLE + "..", LOG + "..")
        .should().dependOnClassesThat().belongToAnyOf(Clock.class, java.util.Random.class,
            java.security.SecureRandom.class, java.util.SplittableRandom.class, Thread.class,
            ThreadLocal.class, java.util.Timer.class, java.io.ObjectOutputStream.class,
            java.io.ObjectInputStream.class)
        .orShould().callMethod(System.class, "currentTimeMillis")
        .orShould().callMethod(System.class, "nanoTime")
        .orShould().callMethod(Instant.class, "now")
        .orShould().callMethod(LocalDateTime.class, "now")
        .orShould().callMethod(Math.class, "random")
        .orShould().callMethod(UUID.class, "randomUUID")
        .because("time enters through the log entry and every replica must compute the same");
    rule.check(mainClasses(TABLE, LOG));
  }

  @Test
  void tableDependsOnNoOtherCoordinatorPackage() {
    ArchRule rule = noClasses().that().resideInAPackage(TABLE + "..")
        .should().dependOnClassesThat(describe("another coordinator package",
            c -> c.getPackageName().startsWith("dev.sequent.coordinator")
                && !c.getPackageName().startsWith(TABLE)))
        .because("the adapter, ingress, dispatcher and log format depend on the table, "
            + "never the reverse");
    rule.check(mainClasses(TABLE));
  }

  @Test
  void logDependsOnlyOnTheTableAmongCoordinatorPackages() {
    ArchRule rule = noClasses().that().resideInAPackage(LOG + "..")
        .should().dependOnClassesThat(
            describe(
                "a coordinator package other than table and log",
                c -> c.getPackageName().startsWith("dev.sequent.coordinator")
                    && !c.getPackageName().startsWith(TABLE)
                    && !c.getPackageName().startsWith(LOG)))
        .because("the Raft adapter and the proposer depend on the log format, not the reverse");
    rule.check(mainClasses(LOG));
  }

  @Test
  void theProtocolIsUsedOnlyForOutcomes() {
    ArchRule rule = noClasses().that().resideInAnyPackage(TABLE + "..", LOG + "..")
        .should().dependOnClassesThat(
            describe(
                "a tcc-protocol class other than Outcome",
                c -> c.getPackageName().startsWith("dev.sequent.protocol")
                    && !c.getName().equals("dev.sequent.protocol.Outcome")))
        .because("the log format is not a wire message: it shares only the outcome codes");
    rule.check(mainClasses(TABLE, LOG));
  }

  @Test
  void storageKnowsNothingOfTheCoordinator() {
    ArchRule rule = noClasses().that().resideInAPackage("dev.sequent.storage..")
        .should().dependOnClassesThat().resideInAPackage("dev.sequent.coordinator..")
        .because("storage is domain-free and below coordinator-core");
    rule.check(mainClasses("dev.sequent.storage"));
  }
}
