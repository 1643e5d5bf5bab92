package dev.sequent.client.participant;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;

/**
 * The connection a resource gets: the fence's own, with the calls that would end or split the
 * fence's transaction refused (commit, rollback of the whole transaction, auto-commit, close,
 * abort). A resource that committed by itself would make its business change durable without the
 * fence row, which is exactly what the JDBC fence exists to prevent. Rolling back to a savepoint of
 * its own is allowed. Once the fence's transaction ends, every call fails.
 */
final class GuardedConnection implements InvocationHandler {
  private static final Set<String> REFUSED =
      Set.of("commit", "setAutoCommit", "close", "abort");

  private final Connection target;
  private final Connection proxy;
  private volatile boolean ended;

  GuardedConnection(Connection target) {
    this.target = target;
    this.proxy = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
        new Class<?>[] {Connection.class}, this);
  }

  /** The connection to hand to the resource. */
  Connection proxy() {
    return proxy;
  }

  /** The fence's transaction ended: the proxy stops working. */
  void end() {
    ended = true;
  }

  @Override
  public Object invoke(Object self, Method method, Object[] args) throws Throwable {
    String name = method.getName();
    if (method.getDeclaringClass() == Object.class) {
      return objectMethod(self, name, args);
    }
    if (ended) {
      if (name.equals("isClosed")) {
        return true;
      }
      throw new SQLException("the fence's transaction has ended; this connection is no longer"
          + " usable");
    }
    boolean wholeRollback = name.equals("rollback") && (args == null || args.length == 0);
    if (REFUSED.contains(name) || wholeRollback) {
      throw new SQLException(name + "() is refused: the fence owns this connection's transaction,"
          + " so the business change commits or rolls back with the fence row; throw to fail");
    }
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private Object objectMethod(Object self, String name, Object[] args) {
    switch (name) {
      case "equals":
        return self == args[0];
      case "hashCode":
        return System.identityHashCode(self);
      case "toString":
        return "fence-guarded " + target;
      default:
        throw new UnsupportedOperationException(name);
    }
  }
}
