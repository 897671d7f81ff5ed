package io.shadowmq.broker.auth;

import java.time.Duration;

/** The broker's access control: who a client is, what it may do, and the brake on failed logins. */
public record Security(Authenticator authenticator, Authorizer authorizer, LoginThrottle throttle) {

  /** Everyone may connect and do anything (tests of the protocol that are not about security). */
  public static Security open() {
    return new Security(new Authenticator(null, true), new Authorizer(), new LoginThrottle(0, Duration.ofSeconds(1)));
  }
}
