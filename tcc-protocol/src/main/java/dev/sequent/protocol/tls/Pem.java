package dev.sequent.protocol.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM files an operator hands a node or a client: X.509 certificates, and one
 * unencrypted PKCS#8 private key (RSA, EC or Ed25519). Every failure names the file and says what
 * to do, since a TLS misconfiguration is found at start-up or never.
 */
final class Pem {
  /** Files larger than this are not PEM certificates or keys anyone meant to give us. */
  static final long FILE_BYTES_MAX = 1 << 20;

  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
  private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "EdDSA");

  private Pem() {}

  /** Every CERTIFICATE block of the file, in file order; at least one. */
  static List<X509Certificate> certificates(Path file, String what) {
    String text = read(file, what);
    List<X509Certificate> certificates = new ArrayList<>();
    Matcher block = BLOCK.matcher(text);
    CertificateFactory factory;
    try {
      factory = CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new IllegalStateException("this JVM has no X.509 certificate factory", e);
    }
    while (block.find()) {
      if (!block.group(1).equals("CERTIFICATE")) {
        continue;
      }
      try {
        Certificate certificate = factory.generateCertificate(
            new ByteArrayInputStream(decode(block.group(2), file, what)));
        certificates.add((X509Certificate) certificate);
      } catch (CertificateException | ClassCastException e) {
        throw new IllegalArgumentException(what + " " + file + ": certificate "
            + (certificates.size() + 1) + " cannot be parsed: " + e.getMessage(), e);
      }
    }
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException(what + " " + file
          + " holds no '-----BEGIN CERTIFICATE-----' block");
    }
    return List.copyOf(certificates);
  }

  /** The file's one unencrypted PKCS#8 private key. */
  static PrivateKey privateKey(Path file, String what) {
    String text = read(file, what);
    Matcher block = BLOCK.matcher(text);
    while (block.find()) {
      String type = block.group(1);
      if (type.equals("PRIVATE KEY")) {
        return pkcs8(decode(block.group(2), file, what), file, what);
      }
      if (type.equals("ENCRYPTED PRIVATE KEY") || type.endsWith(" PRIVATE KEY")) {
        throw new IllegalArgumentException(what + " " + file + " holds a '" + type
            + "' block; Sequent reads unencrypted PKCS#8 keys ('PRIVATE KEY'): convert it with"
            + " 'openssl pkcs8 -topk8 -nocrypt -in " + file.getFileName() + "' and keep the"
            + " file readable by the service's user only");
      }
    }
    throw new IllegalArgumentException(what + " " + file
        + " holds no '-----BEGIN PRIVATE KEY-----' block");
  }

  private static PrivateKey pkcs8(byte[] der, Path file, String what) {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        // Not this algorithm (or not offered by this JVM): try the next one.
      }
    }
    throw new IllegalArgumentException(what + " " + file + ": the key is not an RSA, EC or"
        + " Ed25519 PKCS#8 key this JVM can read");
  }

  private static String read(Path file, String what) {
    try {
      long size = Files.size(file);
      if (size > FILE_BYTES_MAX) {
        throw new IllegalArgumentException(what + " " + file + " is " + size
            + " bytes, larger than any PEM file meant here");
      }
      return Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + what + " " + file + ": " + e, e);
    }
  }

  private static byte[] decode(String base64, Path file, String what) {
    try {
      return Base64.getMimeDecoder().decode(base64.replaceAll("\\s", ""));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + " " + file + ": bad base64 in a PEM block", e);
    }
  }
}
