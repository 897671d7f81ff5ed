package io.shadowmq.shadow.state;

/**
 * Which shadow a request is about: a thing's classic (unnamed) shadow, or one of its named shadows.
 *
 * @param thing  the thing name (a device's MQTT client id)
 * @param shadow the shadow name, empty for the classic shadow
 */
public record ShadowKey(String thing, String shadow) {

  public static ShadowKey classic(String thing) {
    return new ShadowKey(thing, "");
  }

  public static ShadowKey named(String thing, String shadow) {
    return new ShadowKey(thing, shadow);
  }

  public boolean isClassic() {
    return shadow.isEmpty();
  }

  @Override
  public String toString() {
    return isClassic() ? thing : thing + "/" + shadow;
  }
}
