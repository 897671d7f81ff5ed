package io.shadowmq.admin;

/**
 * The bytes a download sends, from an HTTP {@code Range} header (RFC 9110, one range of bytes):
 * {@code bytes=a-b}, {@code bytes=a-} or {@code bytes=-n}. A header this does not understand (other
 * units, several ranges) is ignored and the whole artifact is sent, as the RFC allows.
 *
 * @param first   first byte
 * @param last    last byte, inclusive
 * @param partial whether this answers a Range header (206) or is the whole artifact (200)
 */
record DownloadRange(long first, long last, boolean partial) {

  /** Thrown for a range that starts past the end (416). */
  static final class UnsatisfiableException extends RuntimeException {
    UnsatisfiableException() {
      super(null, null, false, false);
    }
  }

  long length() {
    return last - first + 1;
  }

  static DownloadRange whole(long size) {
    return new DownloadRange(0, size - 1, false);
  }

  /** The range of {@code header} over an artifact of {@code size} bytes. */
  static DownloadRange of(String header, long size) {
    if (header == null || !header.startsWith("bytes=") || header.indexOf(',') >= 0) {
      return whole(size);
    }
    String spec = header.substring("bytes=".length()).trim();
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return whole(size);
    }
    try {
      String from = spec.substring(0, dash).trim();
      String to = spec.substring(dash + 1).trim();
      if (from.isEmpty()) {
        long suffix = Long.parseLong(to);
        if (suffix <= 0 || size == 0) {
          throw new UnsatisfiableException();
        }
        return new DownloadRange(Math.max(0, size - suffix), size - 1, true);
      }
      long first = Long.parseLong(from);
      long last = to.isEmpty() ? size - 1 : Math.min(Long.parseLong(to), size - 1);
      if (first < 0 || (!to.isEmpty() && Long.parseLong(to) < first)) {
        return whole(size); // syntactically invalid: ignored
      }
      if (first >= size) {
        throw new UnsatisfiableException();
      }
      return new DownloadRange(first, last, true);
    } catch (NumberFormatException e) {
      return whole(size);
    }
  }
}
