package io.shadowmq.broker.api;

import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

/**
 * Reproducible pseudo-random content of any size, made as it is read: a test can upload or check a
 * large artifact without holding it in memory.
 */
final class GeneratedBytes {
  private static final int BLOCK = 64 * 1024;

  private GeneratedBytes() {
  }

  /** The content of {@code size} bytes for {@code seed}, as a stream. */
  static InputStream stream(long size, long seed) {
    return new InputStream() {
      private final Random random = new Random(seed);
      private final byte[] block = new byte[BLOCK];
      private int at = BLOCK;
      private long left = size;

      @Override
      public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (left == 0) {
          return -1;
        }
        if (at == BLOCK) {
          random.nextBytes(block);
          at = 0;
        }
        int n = (int) Math.min(Math.min(len, BLOCK - at), left);
        System.arraycopy(block, at, b, off, n);
        at += n;
        left -= n;
        return n;
      }
    };
  }

  /** The same content as an array (for sizes that fit comfortably in memory). */
  static byte[] bytes(int size, long seed) throws Exception {
    try (InputStream in = stream(size, seed)) {
      return in.readAllBytes();
    }
  }

  /** The SHA-256 (hex) of the content, computed by streaming it. */
  static String sha256(long size, long seed) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    byte[] buf = new byte[BLOCK];
    try (InputStream in = stream(size, seed)) {
      for (int n; (n = in.read(buf, 0, buf.length)) > 0; ) {
        digest.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  static String sha256(byte[] content) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
  }
}
