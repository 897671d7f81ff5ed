package io.shadowmq.shadow.state;

/** The three shadow operations, named as they appear in the request topics. */
public enum ShadowOperation {
  UPDATE("update"), GET("get"), DELETE("delete");

  private final String word;

  ShadowOperation(String word) {
    this.word = word;
  }

  /** The topic level that names the operation: {@code update}, {@code get} or {@code delete}. */
  public String word() {
    return word;
  }

  /** The operation a topic level names, or null. */
  public static ShadowOperation ofWord(String word) {
    switch (word) {
      case "update":
        return UPDATE;
      case "get":
        return GET;
      case "delete":
        return DELETE;
      default:
        return null;
    }
  }
}
