package io.shadowmq.broker.security;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Certificates made in the test with BouncyCastle: a CA, server certificates for localhost and
 * 127.0.0.1, client certificates (valid, expired, from another CA). PEM files are written with
 * PKCS#8 keys, the form the broker reads.
 */
public final class TestCertificates {
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  /** A certificate with its key. */
  public record Issued(X509Certificate cert, PrivateKey key) {
    /** Writes {@code name.pem} and {@code name.key} into dir; returns the certificate's path. */
    public Path write(Path dir, String name) throws Exception {
      Path cert = dir.resolve(name + ".pem");
      Files.writeString(cert, pem("CERTIFICATE", this.cert.getEncoded()));
      Files.writeString(dir.resolve(name + ".key"), pem("PRIVATE KEY", key.getEncoded()));
      return cert;
    }

    /** A key manager that presents this certificate (for a client). */
    public KeyManagerFactory keyManager() throws Exception {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("key", key, new char[0], new Certificate[] {cert});
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, new char[0]);
      return kmf;
    }

    /** A trust manager that trusts this certificate as a CA. */
    public TrustManagerFactory trustManager() throws Exception {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setCertificateEntry("ca", cert);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      return tmf;
    }
  }

  private TestCertificates() {
  }

  public static Issued ca(String name) throws Exception {
    KeyPair kp = keyPair();
    X500Name subject = new X500Name("CN=" + name);
    X509v3CertificateBuilder b = builder(subject, subject, kp, Instant.now().minus(Duration.ofHours(1)),
        Instant.now().plus(Duration.ofDays(30)));
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    return new Issued(sign(b, kp.getPrivate()), kp.getPrivate());
  }

  public static Issued server(Issued ca) throws Exception {
    KeyPair kp = keyPair();
    X509v3CertificateBuilder b = builder(issuer(ca), new X500Name("CN=localhost"), kp,
        Instant.now().minus(Duration.ofHours(1)), Instant.now().plus(Duration.ofDays(30)));
    b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
        new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
    b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
    return new Issued(sign(b, ca.key()), kp.getPrivate());
  }

  public static Issued client(Issued ca, String commonName) throws Exception {
    return client(ca, commonName, Instant.now().minus(Duration.ofHours(1)), Instant.now().plus(Duration.ofDays(30)));
  }

  public static Issued expiredClient(Issued ca, String commonName) throws Exception {
    return client(ca, commonName, Instant.now().minus(Duration.ofDays(10)), Instant.now().minus(Duration.ofDays(1)));
  }

  private static Issued client(Issued ca, String commonName, Instant from, Instant to) throws Exception {
    KeyPair kp = keyPair();
    X509v3CertificateBuilder b = builder(issuer(ca), new X500Name("CN=" + commonName), kp, from, to);
    b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
    return new Issued(sign(b, ca.key()), kp.getPrivate());
  }

  private static X500Name issuer(Issued ca) {
    return X500Name.getInstance(ca.cert().getSubjectX500Principal().getEncoded());
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair kp, Instant from,
                                                  Instant to) {
    return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(from),
        Date.from(to), subject, kp.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey issuerKey) throws Exception {
    return new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
  }

  private static KeyPair keyPair() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(256);
    return g.generateKeyPair();
  }

  public static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der) + "\n-----END " + type + "-----\n";
  }
}
