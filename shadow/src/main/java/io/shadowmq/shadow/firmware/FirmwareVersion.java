package io.shadowmq.shadow.firmware;

import java.math.BigInteger;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A firmware version that orders as a semantic version (semver.org 2.0: major.minor.patch, then
 * pre-release identifiers, build metadata ignored) where the text parses as one, and as plain text
 * otherwise. A leading {@code v} and missing minor or patch numbers are accepted ({@code v1.2} is
 * 1.2.0). Any semantic version is newer than any version that is not one.
 */
public final class FirmwareVersion implements Comparable<FirmwareVersion> {
  private static final Pattern SEMVER = Pattern.compile(
      "[vV]?(0|[1-9]\\d*)(?:\\.(0|[1-9]\\d*))?(?:\\.(0|[1-9]\\d*))?"
          + "(?:-([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?(?:\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?");
  private static final Pattern NUMERIC = Pattern.compile("0|[1-9]\\d*");

  private final String text;
  private final BigInteger[] numbers; // null when the text is not a semantic version
  private final List<String> preRelease;

  private FirmwareVersion(String text, BigInteger[] numbers, List<String> preRelease) {
    this.text = text;
    this.numbers = numbers;
    this.preRelease = preRelease;
  }

  /** Parses a version; never fails (text that is no semantic version compares as text). */
  public static FirmwareVersion of(String text) {
    Objects.requireNonNull(text, "version");
    Matcher m = SEMVER.matcher(text);
    if (!m.matches()) {
      return new FirmwareVersion(text, null, List.of());
    }
    BigInteger[] numbers = new BigInteger[3];
    for (int i = 0; i < 3; i++) {
      String part = m.group(i + 1);
      numbers[i] = part == null ? BigInteger.ZERO : new BigInteger(part);
    }
    String pre = m.group(4);
    return new FirmwareVersion(text, numbers, pre == null ? List.of() : List.of(pre.split("\\.")));
  }

  /** Whether the text parsed as a semantic version. */
  public boolean isSemantic() {
    return numbers != null;
  }

  /** The version as given. */
  public String text() {
    return text;
  }

  /** Whether this version is newer than {@code other}. */
  public boolean isNewerThan(FirmwareVersion other) {
    return compareTo(other) > 0;
  }

  @Override
  public int compareTo(FirmwareVersion o) {
    if (numbers == null || o.numbers == null) {
      if (numbers != null) {
        return 1;
      }
      if (o.numbers != null) {
        return -1;
      }
      return text.compareTo(o.text);
    }
    for (int i = 0; i < 3; i++) {
      int c = numbers[i].compareTo(o.numbers[i]);
      if (c != 0) {
        return c;
      }
    }
    return comparePreRelease(preRelease, o.preRelease);
  }

  /** A version without pre-release identifiers is newer than one with them; else identifier by identifier. */
  private static int comparePreRelease(List<String> a, List<String> b) {
    if (a.isEmpty() || b.isEmpty()) {
      return Boolean.compare(a.isEmpty(), b.isEmpty());
    }
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      String x = a.get(i);
      String y = b.get(i);
      boolean xn = NUMERIC.matcher(x).matches();
      boolean yn = NUMERIC.matcher(y).matches();
      int c;
      if (xn && yn) {
        c = new BigInteger(x).compareTo(new BigInteger(y));
      } else if (xn != yn) {
        c = xn ? -1 : 1; // numeric identifiers sort before alphanumeric ones
      } else {
        c = x.compareTo(y);
      }
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }

  /** Equal when they order the same (so {@code 1.0.0+a} equals {@code 1.0.0+b} and {@code v1.0}). */
  @Override
  public boolean equals(Object o) {
    return o instanceof FirmwareVersion v && compareTo(v) == 0;
  }

  @Override
  public int hashCode() {
    return numbers == null ? text.hashCode() : java.util.Arrays.hashCode(numbers) * 31 + preRelease.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
