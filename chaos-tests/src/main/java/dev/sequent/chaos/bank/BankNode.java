package dev.sequent.chaos.bank;

import dev.sequent.examples.bank.AccountService;
import dev.sequent.examples.bank.Phase2Listener;
import dev.sequent.examples.bank.RocksAccountService;
import dev.sequent.examples.bank.SqlAccountService;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one bank in a container until it is killed:
 *
 * <pre>
 * java -cp ... dev.sequent.chaos.bank.BankNode --participant=bank-a --store=rocks --data=/data
 *     --endpointPort=7100 --advertise=10.0.0.1:7100 --controlPort=8100
 *     --coordinators=10.0.0.1:9001,10.0.0.1:9002,10.0.0.1:9003 --accounts=a1:1000,a2:1000
 * </pre>
 *
 * The endpoint listens on every interface at {@code endpointPort} and announces {@code
 * advertise} (the harness's proxy in front of it) to the cluster. Accounts are opened on the
 * first start only: a restarted bank keeps the money its database holds.
 */
public final class BankNode {
  private static final Logger log = LoggerFactory.getLogger(BankNode.class);

  private BankNode() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = parse(args);
    String participant = required(options, "participant");
    String store = required(options, "store");
    Path data = Path.of(required(options, "data"));
    int endpointPort = Integer.parseInt(required(options, "endpointPort"));
    InetSocketAddress advertised = address(required(options, "advertise"));
    int controlPort = Integer.parseInt(required(options, "controlPort"));
    List<InetSocketAddress> coordinators = new ArrayList<>();
    for (String node : required(options, "coordinators").split(",")) {
      coordinators.add(address(node));
    }
    Map<String, Long> accounts = new LinkedHashMap<>();
    for (String account : required(options, "accounts").split(",")) {
      String[] idAndMoney = account.split(":");
      accounts.put(idAndMoney[0], Long.parseLong(idAndMoney[1]));
    }
    AccountService bank = start(store, participant, data, coordinators, endpointPort,
        advertised);
    for (Map.Entry<String, Long> account : accounts.entrySet()) {
      boolean exists = bank.accounts().stream().anyMatch(a -> a.id().equals(account.getKey()));
      if (!exists) {
        bank.openAccount(account.getKey(), account.getValue());
      }
    }
    BankControl control = BankControl.start(bank, controlPort);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      control.close();
      bank.close();
      stopped.countDown();
    }, "bank-node-shutdown"));
    log.info("Bank node {} ready: {} store, endpoint :{} announced as {}, control :{}",
        participant, store, endpointPort, advertised, controlPort);
    stopped.await(); // runs until the container is stopped or killed
  }

  private static AccountService start(String store, String participant, Path data,
      List<InetSocketAddress> coordinators, int endpointPort, InetSocketAddress advertised)
      throws Exception {
    // The cluster dials the advertised host; the announcement carries the endpoint's bound port,
    // so the harness's proxy listens on the same port number the bank binds.
    if (advertised.getPort() != endpointPort) {
      throw new IllegalArgumentException("the advertised port " + advertised.getPort()
          + " must equal the endpoint port " + endpointPort);
    }
    return switch (store) {
      case "rocks" -> RocksAccountService.start(participant, data, coordinators,
          Phase2Listener.NONE, endpoint -> endpoint.bind("0.0.0.0", endpointPort)
              .advertisedHost(advertised.getHostString()));
      case "sql" -> SqlAccountService.start(participant, data, coordinators,
          Phase2Listener.NONE, endpoint -> endpoint.bind("0.0.0.0", endpointPort)
              .advertisedHost(advertised.getHostString()));
      default -> throw new IllegalArgumentException("store must be rocks or sql, was " + store);
    };
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> options = new LinkedHashMap<>();
    for (String arg : args) {
      if (!arg.startsWith("--") || !arg.contains("=")) {
        throw new IllegalArgumentException("arguments are --key=value, was " + arg);
      }
      int equals = arg.indexOf('=');
      options.put(arg.substring(2, equals), arg.substring(equals + 1));
    }
    return options;
  }

  private static String required(Map<String, String> options, String key) {
    String value = options.get(key);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("--" + key + "= is required");
    }
    return value;
  }

  private static InetSocketAddress address(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon < 1) {
      throw new IllegalArgumentException("expected host:port, was " + hostPort);
    }
    return InetSocketAddress.createUnresolved(hostPort.substring(0, colon),
        Integer.parseInt(hostPort.substring(colon + 1)));
  }
}
