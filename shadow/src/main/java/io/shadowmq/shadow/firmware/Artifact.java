package io.shadowmq.shadow.firmware;

import java.util.regex.Pattern;

/**
 * One stored file of a release (a firmware image), whose bytes are complete and checked.
 *
 * @param name        its role or file name, unique in the release (used in URLs)
 * @param size        bytes
 * @param sha256      SHA-256 of the bytes, lower-case hex; also the download's ETag
 * @param contentType the media type devices get it with
 */
public record Artifact(String id, String releaseId, String name, long size, String sha256, String contentType) {
  private static final Pattern VALID_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,128}");
  private static final Pattern VALID_SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern VALID_CONTENT_TYPE = Pattern.compile("[A-Za-z0-9!#$&^_.+-]{1,64}/[A-Za-z0-9!#$&^_.+-]{1,64}"
      + "(\\s*;\\s*[A-Za-z0-9_.-]{1,32}=[A-Za-z0-9_.\"-]{1,64})*");
  /** The content type of an upload that names none. */
  public static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";

  /** Why {@code name} cannot name an artifact, or null when it can. */
  public static String nameProblem(String name) {
    if (name == null || !VALID_NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
      return "an artifact name is 1 to 128 characters out of A-Z a-z 0-9 _ . - (not . or ..)";
    }
    return null;
  }

  /** Why {@code sha256} is not a SHA-256 in lower-case hex, or null when it is. */
  public static String sha256Problem(String sha256) {
    if (sha256 == null || !VALID_SHA256.matcher(sha256).matches()) {
      return "a SHA-256 is 64 lower-case hex digits";
    }
    return null;
  }

  /** Why {@code contentType} is not a media type to store, or null when it is. */
  public static String contentTypeProblem(String contentType) {
    if (contentType == null || !VALID_CONTENT_TYPE.matcher(contentType).matches()) {
      return "a content type is type/subtype, optionally with parameters";
    }
    return null;
  }
}
