package dev.sequent.client;

import dev.sequent.protocol.MessageType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The client's meters. Tags have few values: request types, outcome names, failure kinds.
 *
 * <ul>
 *   <li>{@code sequent.client.requests} (timer; tags {@code type}, {@code outcome}): finished calls
 *       and their total time, retries included; outcome {@code GAVE_UP} when the call failed;
 *   <li>{@code sequent.client.retries} (counter; tags {@code type}, {@code reason}): attempts
 *       retried after a transient outcome or a connection failure;
 *   <li>{@code sequent.client.redirects} (counter; tag {@code type}): leader hints followed.
 * </ul>
 */
final class ClientMetrics {
  static final String REQUESTS = "sequent.client.requests";
  static final String RETRIES = "sequent.client.retries";
  static final String REDIRECTS = "sequent.client.redirects";
  static final String GAVE_UP = "GAVE_UP";

  private final MeterRegistry registry;

  /** Without a registry the meters go to an empty composite, which records nothing. */
  ClientMetrics(MeterRegistry registry) {
    this.registry = registry == null ? new CompositeMeterRegistry() : registry;
  }

  void finished(MessageType type, String outcome, long elapsedNs) {
    Timer.builder(REQUESTS)
        .description("initiator calls, by request type and final outcome")
        .tag("type", tag(type))
        .tag("outcome", outcome)
        .register(registry)
        .record(elapsedNs, TimeUnit.NANOSECONDS);
  }

  void retried(MessageType type, String reason) {
    Counter.builder(RETRIES)
        .description("attempts retried after a transient outcome or a connection failure")
        .tag("type", tag(type))
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  void redirected(MessageType type) {
    Counter.builder(REDIRECTS)
        .description("leader hints followed")
        .tag("type", tag(type))
        .register(registry)
        .increment();
  }

  /** begin, register_branch, decide, status, try, announce_endpoint, operator_resolve. */
  static String tag(MessageType type) {
    return type.name().replace("_REQUEST", "").toLowerCase(Locale.ROOT);
  }
}
