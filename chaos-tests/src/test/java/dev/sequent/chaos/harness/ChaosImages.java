package dev.sequent.chaos.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * The two images a chaos run needs, built locally FROM the base image
 * (scripts/docker/build-base-image.sh; nothing is ever pulled):
 *
 * <ul>
 *   <li>the coordinator: the standalone distribution (sequent-server/target/dist) with the
 *       project's own Dockerfile, exactly as an operator builds it;
 *   <li>the bank node: this module's classes and runtime jars (copied to
 *       target/bank-image/lib by the chaos profile), running {@code BankNode}.
 * </ul>
 *
 * Images are kept between runs (Docker's layer cache makes a rebuild of unchanged inputs cheap).
 */
final class ChaosImages {
  static final String BASE_IMAGE = property("chaos.baseImage", "local/jre17-base:1");

  private ChaosImages() {}

  static ImageFromDockerfile coordinator(Path repo) {
    Path dist = repo.resolve("sequent-server/target/dist");
    Path dockerfile = repo.resolve("sequent-server/src/main/docker/Dockerfile");
    require(dist.resolve("lib"), "run `mvn -B -q install -DskipTests` first");
    return new ImageFromDockerfile("local/sequent-chaos-coordinator:latest", false)
        .withFileFromPath(".", dist)
        .withFileFromPath("Dockerfile", dockerfile)
        .withBuildArg("BASE_IMAGE", BASE_IMAGE);
  }

  static ImageFromDockerfile bank(Path module) {
    Path lib = module.resolve("target/bank-image/lib");
    require(lib, "the chaos profile copies the bank node's jars there: run with -Pchaos");
    return new ImageFromDockerfile("local/sequent-chaos-bank:latest", false)
        .withFileFromPath("lib", lib)
        .withFileFromPath("classes", module.resolve("target/classes"))
        .withFileFromPath("logback-bank.xml",
            module.resolve("target/test-classes/chaos/logback-bank.xml"))
        .withDockerfileFromBuilder(builder -> builder.from(BASE_IMAGE)
            .copy("lib", "/app/lib")
            .copy("classes", "/app/classes")
            .copy("logback-bank.xml", "/app/logback-bank.xml")
            .entryPoint("java", "-Xmx160m", "-XX:+UseSerialGC",
                "-Dlogback.configurationFile=/app/logback-bank.xml",
                "-cp", "/app/classes:/app/lib/*", "dev.sequent.chaos.bank.BankNode")
            .build());
  }

  private static void require(Path path, String hint) {
    if (!Files.isDirectory(path)) {
      throw new IllegalStateException(path + " is missing: " + hint);
    }
  }

  static String property(String name, String otherwise) {
    String value = System.getProperty(name);
    return value == null || value.isBlank() ? otherwise : value;
  }
}
