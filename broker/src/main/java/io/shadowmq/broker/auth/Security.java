package io.shadowmq.broker.auth;

/** The broker's access control: who a client is, what it may do, and the brake on failed logins. */
public record Security(Authenticator authenticator, Authorizer authorizer, LoginThrottle throttle) {
}
