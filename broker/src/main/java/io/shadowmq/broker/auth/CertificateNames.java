package io.shadowmq.broker.auth;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** The names a client certificate gives its holder: the subject's CN and the DNS and URI subject alternative names. */
final class CertificateNames {
  private static final int SAN_DNS = 2;
  private static final int SAN_URI = 6;

  private CertificateNames() {
  }

  static List<String> of(X509Certificate cert) {
    List<String> names = new ArrayList<>(2);
    try {
      for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          names.add(String.valueOf(rdn.getValue()));
        }
      }
    } catch (InvalidNameException e) {
      // no usable subject: the alternative names may still name the device
    }
    try {
      Collection<List<?>> sans = cert.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          int type = (Integer) san.get(0);
          if (type == SAN_DNS || type == SAN_URI) {
            names.add(String.valueOf(san.get(1)));
          }
        }
      }
    } catch (CertificateParsingException e) {
      // unreadable extension: only the subject counts
    }
    return names;
  }
}
