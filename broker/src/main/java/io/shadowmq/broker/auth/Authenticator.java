package io.shadowmq.broker.auth;

import io.shadowmq.broker.codec.ReasonCode;
import io.shadowmq.broker.metrics.BrokerMetrics.Refusal;
import io.shadowmq.shadow.device.CertificateFingerprint;
import io.shadowmq.shadow.device.Device;
import io.shadowmq.shadow.device.DeviceVerifier;
import io.vertx.core.Future;

import java.security.cert.X509Certificate;
import java.util.Map;

/**
 * Decides who a connecting client is, from its client certificate, its user name and password, or
 * as an anonymous client. A certificate (already verified against the client CA by TLS) identifies
 * the device when its CN or a SAN equals the client id, or when its fingerprint is registered for
 * that device; a password is checked against the registry, with the user name equal to the client
 * id. Anonymous clients are let in only when allowed, and never under the id of a registered device.
 */
public final class Authenticator {
  /** What a client presented in its CONNECT and TLS handshake. */
  public record Attempt(String clientId, String username, byte[] password, X509Certificate certificate,
                        String address) {
  }

  /**
   * The decision: an identity, or a refusal with its CONNACK reason (MQTT 5 code), meter reason,
   * and a reason for the log (the client is told nothing more than the code).
   */
  public record Outcome(Identity identity, int reasonCode, Refusal refusal, String why) {
    static Outcome accept(Identity identity) {
      return new Outcome(identity, ReasonCode.SUCCESS, null, null);
    }

    static Outcome badCredentials(String why) {
      return new Outcome(null, ReasonCode.BAD_USER_NAME_OR_PASSWORD, Refusal.BAD_CREDENTIALS, why);
    }

    static Outcome notAuthorized(String why) {
      return new Outcome(null, ReasonCode.NOT_AUTHORIZED, Refusal.NOT_AUTHORIZED, why);
    }

    public boolean accepted() {
      return identity != null;
    }
  }

  private final DeviceVerifier registry;
  private final boolean anonymousAllowed;

  /**
   * @param registry         the device registry, or null when the broker runs without storage
   * @param anonymousAllowed whether clients without credentials may connect
   */
  public Authenticator(DeviceVerifier registry, boolean anonymousAllowed) {
    this.registry = registry;
    this.anonymousAllowed = anonymousAllowed;
  }

  public Future<Outcome> authenticate(Attempt a) {
    if (a.certificate() != null) {
      return byCertificate(a);
    }
    if (a.username() != null || a.password() != null) {
      return byPassword(a);
    }
    return anonymous(a);
  }

  private Future<Outcome> byCertificate(Attempt a) {
    X509Certificate cert = a.certificate();
    boolean named = CertificateNames.of(cert).contains(a.clientId());
    if (registry == null) {
      return named ? Future.succeededFuture(Outcome.accept(Identity.device(a.clientId(), Map.of())))
          : otherwise(a, "the client certificate does not name client id " + a.clientId());
    }
    return registry.device(a.clientId()).compose(device -> {
      if (device == null) {
        return named ? Future.succeededFuture(Outcome.accept(Identity.device(a.clientId(), Map.of())))
            : otherwise(a, "the client certificate does not name client id " + a.clientId());
      }
      if (!named && !device.certFingerprints().contains(CertificateFingerprint.of(cert))) {
        return otherwise(a, "the client certificate neither names device " + a.clientId()
            + " nor is registered for it");
      }
      return Future.succeededFuture(registered(device));
    });
  }

  /** A certificate that does not identify the client: its password may still do. */
  private Future<Outcome> otherwise(Attempt a, String why) {
    if (a.username() != null || a.password() != null) {
      return byPassword(a);
    }
    return Future.succeededFuture(Outcome.notAuthorized(why));
  }

  private Future<Outcome> byPassword(Attempt a) {
    if (registry == null) {
      // No registry to check credentials against (--in-memory): the client counts as anonymous.
      return anonymous(a);
    }
    if (a.username() == null || !a.username().equals(a.clientId())) {
      return Future.succeededFuture(Outcome.badCredentials("the user name must be the client id"));
    }
    return registry.checkPassword(a.clientId(), a.password()).map(v -> switch (v.outcome()) {
      case ACCEPTED -> registered(v.device());
      case DISABLED -> Outcome.notAuthorized("device " + a.clientId() + " is disabled");
      case BAD_CREDENTIALS -> Outcome.badCredentials(v.device() == null ? "no device " + a.clientId()
          : "wrong password for device " + a.clientId());
    });
  }

  private Outcome registered(Device device) {
    if (!device.enabled()) {
      return Outcome.notAuthorized("device " + device.id() + " is disabled");
    }
    registry.seen(device.id());
    return Outcome.accept(Identity.device(device.id(), device.tags()));
  }

  private Future<Outcome> anonymous(Attempt a) {
    if (!anonymousAllowed) {
      return Future.succeededFuture(Outcome.notAuthorized("no credentials, and anonymous clients are not allowed"));
    }
    if (registry == null) {
      return Future.succeededFuture(Outcome.accept(Identity.anonymous(a.clientId())));
    }
    return registry.device(a.clientId()).map(device -> device == null
        ? Outcome.accept(Identity.anonymous(a.clientId()))
        : Outcome.notAuthorized("client id " + a.clientId()
            + " belongs to a registered device; its credentials are needed"));
  }
}
