package dev.sequent.protocol.tls;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/**
 * Who a peer is, as its certificate says: the subject's common names (CN), then its DNS subject
 * alternative names. An allow-list of identities matches when it contains any of these names,
 * exactly (case-sensitive). A peer without a certificate has no names ({@link #NONE}).
 *
 * <p>Servers store the identity of each TLS connection in the channel attribute {@link #KEY} once
 * the handshake succeeded, so handlers can decide per request (a participant endpoint accepts
 * phase-2 calls only from the cluster's identities).
 *
 * @param names CNs first, then DNS names, without duplicates
 */
public record PeerIdentity(List<String> names) {
  /** The identity of a peer that presented no certificate. */
  public static final PeerIdentity NONE = new PeerIdentity(List.of());

  /** The channel attribute holding a TLS connection's peer identity (after its handshake). */
  public static final AttributeKey<PeerIdentity> KEY =
      AttributeKey.valueOf("sequent.peerIdentity");

  /** SAN type of a DNS name (RFC 5280). */
  private static final int SAN_DNS = 2;

  public PeerIdentity {
    names = List.copyOf(names);
  }

  /** The identity a certificate names. */
  public static PeerIdentity of(X509Certificate certificate) {
    Set<String> names = new LinkedHashSet<>(commonNames(certificate.getSubjectX500Principal()));
    try {
      Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
      if (alternatives != null) {
        for (List<?> entry : alternatives) {
          if (entry.size() >= 2 && Integer.valueOf(SAN_DNS).equals(entry.get(0))
              && entry.get(1) instanceof String dns) {
            names.add(dns);
          }
        }
      }
    } catch (CertificateParsingException e) {
      // A certificate whose extensions do not parse names no more than its subject.
    }
    return new PeerIdentity(new ArrayList<>(names));
  }

  /** The identity of the channel's peer, or {@link #NONE} before a handshake or without TLS. */
  public static PeerIdentity of(Channel channel) {
    PeerIdentity identity = channel.attr(KEY).get();
    return identity == null ? NONE : identity;
  }

  /** True when {@code allowed} holds any of this identity's names. */
  public boolean isIn(Set<String> allowed) {
    for (String name : names) {
      if (allowed.contains(name)) {
        return true;
      }
    }
    return false;
  }

  /**
   * An allow-list as operators write it: names separated by commas, blanks around them ignored.
   *
   * @throws IllegalArgumentException for an empty name between commas
   */
  public static Set<String> parseList(String text) {
    Set<String> names = new LinkedHashSet<>();
    if (text == null || text.isBlank()) {
      return Set.of();
    }
    for (String part : text.split(",", -1)) {
      String name = part.trim();
      if (name.isEmpty()) {
        throw new IllegalArgumentException("empty identity in '" + text + "'");
      }
      names.add(name);
    }
    return Set.copyOf(names);
  }

  private static List<String> commonNames(X500Principal subject) {
    List<String> names = new ArrayList<>();
    try {
      for (Rdn rdn : new LdapName(subject.getName(X500Principal.RFC2253)).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          names.add(String.valueOf(rdn.getValue()));
        }
      }
    } catch (InvalidNameException e) {
      // The JDK produced the RFC 2253 form itself; it parses. Nothing to name otherwise.
    }
    return names;
  }

  @Override
  public String toString() {
    return names.isEmpty() ? "(no certificate)" : String.join("/", names);
  }
}
