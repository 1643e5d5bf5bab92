package dev.sequent.coordinator.phase2;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 in front of a participant endpoint, so a test can cut the pinned
 * connection mid-stream (the coordinator sees a reset, the participant a close) without touching
 * either side. Blocking sockets and named daemon threads: tiny traffic, test only.
 */
final class CuttableProxy implements AutoCloseable {
  private final ServerSocket server;
  private final InetSocketAddress target;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final AtomicInteger accepted = new AtomicInteger();
  private volatile boolean closed;

  CuttableProxy(InetSocketAddress target) throws IOException {
    this.target = target;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::acceptLoop, "test-proxy-accept-" + server.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  InetSocketAddress address() {
    return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
  }

  /** Connections accepted so far (a reconnect after a cut makes it grow). */
  int acceptedConnections() {
    return accepted.get();
  }

  /** Cuts every connection through the proxy; new ones are accepted again. */
  void cutAll() {
    for (Socket socket : open) {
      closeQuietly(socket);
    }
    open.clear();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket inbound = server.accept();
        Socket outbound = new Socket(target.getAddress(), target.getPort());
        accepted.incrementAndGet();
        open.add(inbound);
        open.add(outbound);
        pump(inbound, outbound, "up");
        pump(outbound, inbound, "down");
      } catch (IOException e) {
        if (!closed) {
          continue; // the target refused: the coordinator will retry
        }
      }
    }
  }

  private void pump(Socket from, Socket to, String direction) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[8192];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        for (int n; (n = in.read(buffer)) >= 0; ) {
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // cut or closed: close both sides below
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "test-proxy-" + direction + "-" + server.getLocalPort());
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    cutAll();
  }
}
