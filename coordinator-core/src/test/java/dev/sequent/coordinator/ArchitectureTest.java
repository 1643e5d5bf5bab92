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
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Enforces the architecture instead of reviewing it: the transaction table and the log format are
 * pure (DESIGN.md rule 2: no Ratis, Netty or RocksDB, no clock, no randomness, no threads); the
 * dispatcher's logic (streams, backoff, agent) is pure too, so a deterministic simulator can drive
 * it, and only its I/O shell touches Netty and threads; and the storage module knows nothing of
 * the coordinator. Each rule first proves that it has classes to check, so a renamed package or
 * class cannot make it pass vacuously.
 */
class ArchitectureTest {

  private static final String TABLE = "dev.sequent.coordinator.table";
  private static final String LOG = "dev.sequent.coordinator.log";
  private static final String DISPATCH = "dev.sequent.coordinator.dispatch";
  /** The dispatcher's logic, nested classes included: everything but its Netty and thread shell. */
  private static final String DISPATCH_LOGIC = DISPATCH.replace(".", "\\.")
      + "\\.(ParticipantStream|StreamStep|BackoffPolicy|JitterSource|DispatchAgent|Transport)"
      + "(\\$.*)?";
  /** The parts of the dispatcher's logic that do not even queue across threads. */
  private static final String STREAM_LOGIC = DISPATCH.replace(".", "\\.")
      + "\\.(ParticipantStream|StreamStep|BackoffPolicy|JitterSource)(\\$.*)?";

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

  private static JavaClasses dispatchClasses() {
    JavaClasses classes = mainClasses(DISPATCH);
    for (String name : List.of("ParticipantStream", "StreamStep", "BackoffPolicy", "JitterSource",
        "DispatchAgent", "Transport", "Dispatcher", "NettyTransport")) {
      assertTrue(classes.contain(DISPATCH + "." + name), "no class " + name + " to check");
    }
    return classes;
  }

  @Test
  void dispatchLogicImportsNoNettyRaftOrRocksDb() {
    ArchRule rule = noClasses().that().haveNameMatching(DISPATCH_LOGIC)
        .should().dependOnClassesThat().resideInAnyPackage(
            "io.netty..", "org.apache.ratis..", "org.rocksdb..", "java.net..", "java.nio.file..")
        .because("the stream logic is pure, so a simulator can drive it without sockets");
    rule.check(dispatchClasses());
  }

  @Test
  void dispatchLogicReadsNoClockAndUsesNoRandomnessOrThreads() {
    ArchRule rule = noClasses().that().haveNameMatching(DISPATCH_LOGIC)
        .should().dependOnClassesThat().belongToAnyOf(Clock.class, java.util.Random.class,
            java.security.SecureRandom.class, java.util.SplittableRandom.class,
            java.util.concurrent.ThreadLocalRandom.class, Thread.class, ThreadLocal.class,
            java.util.Timer.class, java.util.concurrent.Executors.class,
            java.util.concurrent.locks.LockSupport.class)
        .orShould().callMethod(System.class, "currentTimeMillis")
        .orShould().callMethod(System.class, "nanoTime")
        .orShould().callMethod(Instant.class, "now")
        .orShould().callMethod(LocalDateTime.class, "now")
        .orShould().callMethod(Math.class, "random")
        .orShould().callMethod(UUID.class, "randomUUID")
        .because("time and jitter are passed in, so a seed and a virtual clock replay a run");
    rule.check(dispatchClasses());
  }

  @Test
  void streamLogicUsesNoConcurrencyAtAll() {
    ArchRule rule = noClasses().that().haveNameMatching(STREAM_LOGIC)
        .should().dependOnClassesThat().resideInAnyPackage("java.util.concurrent..")
        .because("a stream is stepped by one caller at a time; only the agent queues inputs");
    rule.check(dispatchClasses());
  }

  @Test
  void dispatchReachesRaftAndTheStoreOnlyThroughWhatItIsGiven() {
    ArchRule rule = noClasses().that().resideInAPackage(DISPATCH + "..")
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.ratis..", "org.rocksdb..",
            "dev.sequent.coordinator.raft..", "dev.sequent.coordinator.propose..",
            "dev.sequent.coordinator.ingress..", "dev.sequent.coordinator.server..",
            "dev.sequent.coordinator.config..")
        .because("the server wires the dispatcher to leadership, the store and the proposer");
    rule.check(dispatchClasses());
  }
}
