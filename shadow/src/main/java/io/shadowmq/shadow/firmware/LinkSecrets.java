package io.shadowmq.shadow.firmware;

import java.util.Arrays;

/**
 * The keys of pre-signed download links: {@code current} signs new links; {@code previous} (null
 * before the first rotation) is still accepted, so links minted before a rotation keep working.
 */
public record LinkSecrets(byte[] current, byte[] previous) {
  public LinkSecrets {
    if (current == null || current.length < 16) {
      throw new IllegalArgumentException("a link secret has 16 bytes at least");
    }
    current = current.clone();
    previous = previous == null ? null : previous.clone();
  }

  @Override
  public byte[] current() {
    return current.clone();
  }

  @Override
  public byte[] previous() {
    return previous == null ? null : previous.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LinkSecrets s && Arrays.equals(current, s.current) && Arrays.equals(previous, s.previous);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(current) * 31 + Arrays.hashCode(previous);
  }

  @Override
  public String toString() {
    return "LinkSecrets[hidden]";
  }
}
