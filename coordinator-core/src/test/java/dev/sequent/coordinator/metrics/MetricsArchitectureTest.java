package dev.sequent.coordinator.metrics;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Metrics watch from the side: they reach nothing that acts (ingress, proposer, dispatcher,
 * server), and nothing they watch (table, log format, Raft adapter) depends on them.
 */
class MetricsArchitectureTest {
  private static final String BASE = "dev.sequent.coordinator.";

  private static JavaClasses classes() {
    JavaClasses classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.sequent.coordinator");
    assertTrue(classes.contain(NodeMetrics.class), "no metrics classes imported");
    assertTrue(classes.contain(BASE + "raft.TccStateMachine"), "no raft classes imported");
    return classes;
  }

  @Test
  void metricsReachNothingThatActs() {
    noClasses().that().resideInAPackage(BASE + "metrics..")
        .should().dependOnClassesThat().resideInAnyPackage(BASE + "ingress..",
            BASE + "propose..", BASE + "dispatch..", BASE + "server..")
        .because("metrics observe; they never propose, dispatch or serve clients")
        .check(classes());
  }

  @Test
  void nothingWatchedDependsOnMetrics() {
    noClasses().that().resideInAnyPackage(BASE + "table..", BASE + "log..", BASE + "raft..")
        .should().dependOnClassesThat().resideInAPackage(BASE + "metrics..")
        .because("the watched parts must work the same with metrics or without")
        .check(classes());
  }
}
