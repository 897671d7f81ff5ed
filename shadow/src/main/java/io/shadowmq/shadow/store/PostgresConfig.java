package io.shadowmq.shadow.store;

import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Where PostgreSQL is and how to reach it: parsed from a URL
 * {@code postgresql://user:password@host:5432/database?sslmode=require}. {@link #toString()} never
 * shows the password.
 */
public record PostgresConfig(String host, int port, String database, String user, String password, SslMode sslMode) {

  /** Parses a {@code postgresql://} (or {@code postgres://}) URL; sslmode is disable, prefer, require, verify-ca or verify-full. */
  public static PostgresConfig parse(String url) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--pg-url is not a URL: " + redact(url));
    }
    if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
      throw new IllegalArgumentException("--pg-url must start with postgresql://, not " + redact(url));
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("--pg-url has no host: " + redact(url));
    }
    String user = "postgres";
    String password = "";
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
      password = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
    }
    String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
    String database = path.isEmpty() ? "postgres" : decode(path);
    Map<String, String> query = new HashMap<>();
    if (uri.getRawQuery() != null) {
      for (String kv : uri.getRawQuery().split("&")) {
        int eq = kv.indexOf('=');
        if (eq > 0) {
          query.put(decode(kv.substring(0, eq)), decode(kv.substring(eq + 1)));
        }
      }
    }
    SslMode ssl = SslMode.of(query.getOrDefault("sslmode", "disable"));
    return new PostgresConfig(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 5432, database, user, password, ssl);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  /** The URL with its password replaced, for messages. */
  static String redact(String url) {
    return url.replaceAll("(://[^:/@]*:)[^@]*@", "$1****@");
  }

  /** Connection options for vertx-pg-client. */
  public PgConnectOptions connectOptions() {
    PgConnectOptions o = new PgConnectOptions()
        .setHost(host).setPort(port).setDatabase(database).setUser(user).setPassword(password)
        .setSslMode(sslMode)
        .setPipeliningLimit(256)
        .setReconnectAttempts(0);
    if (sslMode == SslMode.REQUIRE || sslMode == SslMode.PREFER) {
      o.getSslOptions().setTrustAll(true); // encrypt without verifying, as libpq's require does
    }
    return o;
  }

  /** The JDBC URL for Flyway. */
  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database + "?sslmode=" + sslMode.value;
  }

  @Override
  public String toString() {
    return "postgresql://" + user + "@" + host + ":" + port + "/" + database + " (sslmode " + sslMode.value + ")";
  }
}
