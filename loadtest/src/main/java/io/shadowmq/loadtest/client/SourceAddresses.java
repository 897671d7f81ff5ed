package io.shadowmq.loadtest.client;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Local source addresses to spread connections over, from a range such as
 * {@code 127.0.0.2-127.0.0.20}, so that many connections to one broker port do not run out of
 * ephemeral ports on one address.
 */
public final class SourceAddresses {
  private final List<String> addresses;

  private SourceAddresses(List<String> addresses) {
    this.addresses = List.copyOf(addresses);
  }

  /** No fixed source address: the system picks one. */
  public static SourceAddresses none() {
    return new SourceAddresses(List.of());
  }

  /** Parses {@code A}, {@code A-B} (IPv4, last octets counted up) or a comma-separated list of those. */
  public static SourceAddresses parse(String spec) {
    if (spec == null || spec.isBlank()) {
      return none();
    }
    List<String> out = new ArrayList<>();
    for (String part : spec.split(",")) {
      String p = part.trim();
      int dash = p.indexOf('-');
      if (dash < 0) {
        out.add(ipv4(p));
        continue;
      }
      long from = toLong(p.substring(0, dash).trim());
      long to = toLong(p.substring(dash + 1).trim());
      if (to < from || to - from > 65535) {
        throw new IllegalArgumentException("bad source address range: " + p);
      }
      for (long a = from; a <= to; a++) {
        out.add(fromLong(a));
      }
    }
    return new SourceAddresses(out);
  }

  public boolean isEmpty() {
    return addresses.isEmpty();
  }

  public int size() {
    return addresses.size();
  }

  /** The address for the n-th connection (round robin), or null when none are configured. */
  public String forConnection(long n) {
    return addresses.isEmpty() ? null : addresses.get((int) Math.floorMod(n, (long) addresses.size()));
  }

  private static String ipv4(String s) {
    return fromLong(toLong(s));
  }

  private static long toLong(String s) {
    try {
      byte[] b = InetAddress.getByName(s).getAddress();
      if (b.length != 4 || !s.chars().allMatch(c -> c == '.' || Character.isDigit(c))) {
        throw new IllegalArgumentException("not an IPv4 address: " + s);
      }
      return ((b[0] & 0xffL) << 24) | ((b[1] & 0xffL) << 16) | ((b[2] & 0xffL) << 8) | (b[3] & 0xffL);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IPv4 address: " + s, e);
    }
  }

  private static String fromLong(long a) {
    return ((a >> 24) & 0xff) + "." + ((a >> 16) & 0xff) + "." + ((a >> 8) & 0xff) + "." + (a & 0xff);
  }
}
