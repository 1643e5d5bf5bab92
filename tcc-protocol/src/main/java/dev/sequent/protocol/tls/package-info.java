/**
 * TLS for every Sequent channel that speaks the wire protocol (client to node, node to
 * participant, initiator to participant), and the key material for Ratis's gRPC between nodes.
 *
 * <p>{@link dev.sequent.protocol.tls.TlsSettings} reads a peer's PEM files once (certificate chain,
 * PKCS#8 key, trusted CA certificates). {@link dev.sequent.protocol.tls.ServerTls} gives a server
 * port its context and the two handlers of its pipeline: a gate that becomes the SslHandler (or
 * refuses a plaintext peer with an error frame it can read) and an identity check after the frame
 * codec that records the peer's {@link dev.sequent.protocol.tls.PeerIdentity} and enforces the
 * port's allow-list. {@link dev.sequent.protocol.tls.ClientTls} gives a dialling peer its
 * SslHandler, with the server's host name checked. TLS 1.3 and 1.2 only.
 *
 * <p>Identities are certificate names: the subject's CN and its DNS subject alternative names,
 * matched exactly against allow-lists.
 *
 * <p>Depends on Netty's handler module, the wire package (error frames) and the JDK; must not
 * import the client, the coordinator, Ratis or RocksDB.
 */
package dev.sequent.protocol.tls;
