package io.shadowmq.broker.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttUnsubAckPayload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static io.shadowmq.broker.codec.NettyReference.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/**
 * What the server writes: exact bytes for the short packets, and every packet type the server
 * sends decoded back by Netty's independent MQTT decoder, properties included.
 */
@Timeout(10)
class MqttEncoderTest {
  private static final ByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;

  private static String encodeHex(Packet p, int level) {
    ByteBuf b = MqttEncoder.encode(ALLOC, p, level);
    try {
      return hex(b);
    } finally {
      b.release();
    }
  }

  private static MqttMessage roundTrip(Packet p, int level) {
    return NettyReference.decode(MqttEncoder.encode(ALLOC, p, level), level);
  }

  private static PacketProperties reasonAndUser(String reason) {
    return new PacketProperties().reasonString(reason).addUserProperty("k", "v1").addUserProperty("k", "v2");
  }

  private static void assertReasonAndUser(MqttProperties props, String reason) {
    assertThat(props.getProperty(MqttProperties.REASON_STRING).value()).isEqualTo(reason);
    @SuppressWarnings("unchecked")
    List<MqttProperties.StringPair> user = (List<MqttProperties.StringPair>) props.getProperty(MqttProperties.USER_PROPERTY).value();
    assertThat(user).extracting(p -> p.key, p -> p.value).containsExactly(tuple("k", "v1"), tuple("k", "v2"));
  }

  // ---- exact bytes ---------------------------------------------------------------------------

  @ParameterizedTest(name = "CONNACK level {0}, session present {1}, code {2}: {3}")
  @CsvSource({
      "4, false, 0,   20 02 00 00",
      "4, true,  0,   20 02 01 00",
      "4, false, 5,   20 02 00 05",
      "3, false, 1,   20 02 00 01",
      "5, false, 0,   20 03 00 00 00",
      "5, true,  0,   20 03 01 00 00",
      "5, false, 135, 20 03 00 87 00",
  })
  void connAckWithoutPropertiesIsExactlyThis(int level, boolean present, int code, String bytes) {
    assertThat(encodeHex(new ConnAckPacket(present, code, PacketProperties.NONE), level)).isEqualTo(bytes);
  }

  @ParameterizedTest(name = "{0} at level {1}, reason {2}: {3}")
  @CsvSource({
      "4, 4, 0,   40 02 00 07",
      "5, 4, 0,   50 02 00 07",
      "6, 4, 0,   62 02 00 07",
      "7, 4, 0,   70 02 00 07",
      "4, 5, 0,   40 02 00 07",
      "6, 5, 0,   62 02 00 07",
      "4, 5, 16,  40 03 00 07 10",
      "5, 5, 151, 50 03 00 07 97",
      "7, 5, 146, 70 03 00 07 92",
  })
  void acknowledgementIsExactlyThis(int type, int level, int reason, String bytes) {
    assertThat(encodeHex(AckPacket.of(type, 7, reason), level)).isEqualTo(bytes);
  }

  @Test
  void subAckUnsubAckPingRespAndDisconnectAreExactlyThis() {
    assertThat(encodeHex(new SubAckPacket(PacketType.SUBACK, 10, new int[] {0, 1, 2, 0x80}, PacketProperties.NONE), 4))
        .isEqualTo("90 06 00 0a 00 01 02 80");
    assertThat(encodeHex(new SubAckPacket(PacketType.SUBACK, 10, new int[] {2, 0x8f}, PacketProperties.NONE), 5))
        .isEqualTo("90 05 00 0a 00 02 8f");
    assertThat(encodeHex(new SubAckPacket(PacketType.UNSUBACK, 10, new int[] {0, 0x11}, PacketProperties.NONE), 4))
        .as("a 3.1.1 UNSUBACK has no payload").isEqualTo("b0 02 00 0a");
    assertThat(encodeHex(new SubAckPacket(PacketType.UNSUBACK, 10, new int[] {0, 0x11}, PacketProperties.NONE), 5))
        .isEqualTo("b0 05 00 0a 00 00 11");
    assertThat(encodeHex(SimplePacket.PINGRESP, 4)).isEqualTo("d0 00");
    assertThat(encodeHex(SimplePacket.PINGRESP, 5)).isEqualTo("d0 00");
    assertThat(encodeHex(SimplePacket.disconnect(0x8b, PacketProperties.NONE), 5)).isEqualTo("e0 02 8b 00");
    assertThat(encodeHex(SimplePacket.disconnect(0x8b, PacketProperties.NONE), 4)).isEqualTo("e0 00");
  }

  @Test
  void publishIsExactlyThis() {
    ByteBuf v3 = MqttEncoder.encodePublish(ALLOC, 4, "a/b", 1, true, true, 0x0102, "hi".getBytes(StandardCharsets.UTF_8),
        PacketProperties.NONE, -1, null, -1);
    assertThat(hex(v3)).isEqualTo("3b 09 00 03 61 2f 62 01 02 68 69");
    ByteBuf v5 = MqttEncoder.encodePublish(ALLOC, 5, "", 0, false, false, 0, new byte[0], PacketProperties.NONE, 30,
        new int[] {200}, 3);
    assertThat(hex(v5)).isEqualTo("30 0e 00 00 0b 02 00 00 00 1e 0b c8 01 23 00 03");
    v3.release();
    v5.release();
  }

  @ParameterizedTest(name = "body of {0} bytes")
  @CsvSource({"127, 7f", "128, 80 01", "16383, ff 7f", "16384, 80 80 01", "2097151, ff ff 7f", "2097152, 80 80 80 01"})
  void remainingLengthUsesTheFewestBytes(int body, String encoded) {
    // QoS 0, topic "t": 3 bytes of variable header, the rest payload.
    ByteBuf b = MqttEncoder.encodePublish(ALLOC, 4, "t", 0, false, false, 0, new byte[body - 3], PacketProperties.NONE, -1, null, -1);
    int lengthBytes = encoded.split(" ").length;
    assertThat(hex(b.slice(1, lengthBytes))).isEqualTo(encoded);
    assertThat(b.readableBytes()).isEqualTo(1 + lengthBytes + body);
    b.release();
  }

  // ---- decoded by Netty ----------------------------------------------------------------------

  @Test
  void connAckCarriesEveryPropertyTheServerCanSet() {
    PacketProperties p = new PacketProperties();
    p.sessionExpiryInterval = 0xFFFF_FFFFL;
    p.assignedClientIdentifier = "auto-1";
    p.serverKeepAlive = 120;
    p.receiveMaximum = 1024;
    p.topicAliasMaximum = 32;
    p.maximumPacketSize = 1_048_576;
    p.maximumQos = 1;
    p.retainAvailable = 1;
    p.wildcardSubscriptionAvailable = 1;
    p.subscriptionIdentifierAvailable = 0;
    p.sharedSubscriptionAvailable = 1;
    p.responseInformation = "resp/";
    p.serverReference = "other:1883";
    p.reasonString("welcome").addUserProperty("k", "v1").addUserProperty("k", "v2");

    MqttConnAckMessage m = (MqttConnAckMessage) roundTrip(new ConnAckPacket(true, 0, p), 5);

    assertThat(m.variableHeader().isSessionPresent()).isTrue();
    assertThat(m.variableHeader().connectReturnCode().byteValue()).isEqualTo((byte) 0);
    MqttProperties props = m.variableHeader().properties();
    assertThat(props.getProperty(MqttProperties.SESSION_EXPIRY_INTERVAL).value()).isEqualTo(-1); // 0xFFFFFFFF as an int
    assertThat(props.getProperty(MqttProperties.ASSIGNED_CLIENT_IDENTIFIER).value()).isEqualTo("auto-1");
    assertThat(props.getProperty(MqttProperties.SERVER_KEEP_ALIVE).value()).isEqualTo(120);
    assertThat(props.getProperty(MqttProperties.RECEIVE_MAXIMUM).value()).isEqualTo(1024);
    assertThat(props.getProperty(MqttProperties.TOPIC_ALIAS_MAXIMUM).value()).isEqualTo(32);
    assertThat(props.getProperty(MqttProperties.MAXIMUM_PACKET_SIZE).value()).isEqualTo(1_048_576);
    assertThat(props.getProperty(MqttProperties.MAXIMUM_QOS).value()).isEqualTo(1);
    assertThat(props.getProperty(MqttProperties.RETAIN_AVAILABLE).value()).isEqualTo(1);
    assertThat(props.getProperty(MqttProperties.WILDCARD_SUBSCRIPTION_AVAILABLE).value()).isEqualTo(1);
    assertThat(props.getProperty(MqttProperties.SUBSCRIPTION_IDENTIFIER_AVAILABLE).value()).isEqualTo(0);
    assertThat(props.getProperty(MqttProperties.SHARED_SUBSCRIPTION_AVAILABLE).value()).isEqualTo(1);
    assertThat(props.getProperty(MqttProperties.RESPONSE_INFORMATION).value()).isEqualTo("resp/");
    assertThat(props.getProperty(MqttProperties.SERVER_REFERENCE).value()).isEqualTo("other:1883");
    assertReasonAndUser(props, "welcome");
  }

  @ParameterizedTest(name = "packet type {0}")
  @ValueSource(ints = {PacketType.PUBACK, PacketType.PUBREC, PacketType.PUBREL, PacketType.PUBCOMP})
  void acknowledgementCarriesReasonCodeReasonStringAndUserProperties(int type) {
    MqttMessage m = roundTrip(new AckPacket(type, 65_535, 0x97, reasonAndUser("quota")), 5);

    assertThat(m.fixedHeader().messageType().value()).isEqualTo(type);
    MqttPubReplyMessageVariableHeader h = (MqttPubReplyMessageVariableHeader) m.variableHeader();
    assertThat(h.messageId()).isEqualTo(65_535);
    assertThat(h.reasonCode()).isEqualTo((byte) 0x97);
    assertReasonAndUser(h.properties(), "quota");
  }

  @Test
  void subAckCarriesReasonCodesAndReasonString() {
    MqttMessage v5 = roundTrip(new SubAckPacket(PacketType.SUBACK, 3, new int[] {0, 1, 2, 0x8f, 0x97}, reasonAndUser("bad")), 5);
    assertThat(((MqttSubAckPayload) v5.payload()).reasonCodes()).containsExactly(0, 1, 2, 0x8f, 0x97);
    assertThat(((MqttMessageIdAndPropertiesVariableHeader) v5.variableHeader()).messageId()).isEqualTo(3);
    assertReasonAndUser(((MqttMessageIdAndPropertiesVariableHeader) v5.variableHeader()).properties(), "bad");

    MqttMessage v3 = roundTrip(new SubAckPacket(PacketType.SUBACK, 4, new int[] {2, 0x80}, PacketProperties.NONE), 4);
    assertThat(((MqttSubAckPayload) v3.payload()).reasonCodes()).containsExactly(2, 0x80);
  }

  @Test
  void unsubAckCarriesReasonCodesForMqtt5Only() {
    MqttMessage v5 = roundTrip(new SubAckPacket(PacketType.UNSUBACK, 3, new int[] {0, 0x11, 0x8f}, reasonAndUser("none")), 5);
    assertThat(v5.fixedHeader().messageType()).isEqualTo(MqttMessageType.UNSUBACK);
    assertThat(((MqttUnsubAckPayload) v5.payload()).unsubscribeReasonCodes()).containsExactly((short) 0, (short) 0x11, (short) 0x8f);
    assertReasonAndUser(((MqttMessageIdAndPropertiesVariableHeader) v5.variableHeader()).properties(), "none");

    MqttMessage v3 = roundTrip(new SubAckPacket(PacketType.UNSUBACK, 5, new int[] {0x11}, PacketProperties.NONE), 4);
    assertThat(v3.fixedHeader().remainingLength()).isEqualTo(2);
  }

  @Test
  void disconnectCarriesReasonCodeReasonStringServerReferenceAndUserProperties() {
    PacketProperties p = reasonAndUser("shutting down");
    p.serverReference = "other:1883";
    MqttMessage m = roundTrip(SimplePacket.disconnect(0x8b, p), 5);

    MqttReasonCodeAndPropertiesVariableHeader h = (MqttReasonCodeAndPropertiesVariableHeader) m.variableHeader();
    assertThat(h.reasonCode()).isEqualTo((byte) 0x8b);
    assertThat(h.properties().getProperty(MqttProperties.SERVER_REFERENCE).value()).isEqualTo("other:1883");
    assertReasonAndUser(h.properties(), "shutting down");
  }

  @ParameterizedTest(name = "level {0} QoS {1} dup {2} retain {3}")
  @CsvSource({"4, 0, false, false", "4, 1, true, false", "4, 2, false, true", "3, 1, false, true",
      "5, 0, false, true", "5, 1, true, true", "5, 2, false, false"})
  void publishFlagsTopicPacketIdAndPayloadDecode(int level, int qos, boolean dup, boolean retain) {
    byte[] payload = "grüße 🚀".getBytes(StandardCharsets.UTF_8);
    ByteBuf b = MqttEncoder.encodePublish(ALLOC, level, "geräte/ß/1", qos, dup, retain, qos > 0 ? 513 : 0, payload,
        PacketProperties.NONE, -1, null, -1);
    MqttPublishMessage m = (MqttPublishMessage) NettyReference.decode(b, level);

    assertThat(m.fixedHeader().qosLevel().value()).isEqualTo(qos);
    assertThat(m.fixedHeader().isDup()).isEqualTo(dup);
    assertThat(m.fixedHeader().isRetain()).isEqualTo(retain);
    assertThat(m.variableHeader().topicName()).isEqualTo("geräte/ß/1");
    assertThat(m.variableHeader().packetId()).isEqualTo(qos > 0 ? 513 : -1);
    assertThat(io.netty.buffer.ByteBufUtil.getBytes(m.payload())).isEqualTo(payload);
    m.release();
  }

  @Test
  void publishCarriesEveryMessagePropertySubscriptionIdsAndTopicAlias() {
    PacketProperties p = new PacketProperties();
    p.payloadFormatIndicator = 1;
    p.messageExpiryInterval = 3600; // replaced by the remaining expiry passed in
    p.contentType = "application/json";
    p.responseTopic = "reply/to";
    p.correlationData = new byte[] {1, 2, 3};
    p.addUserProperty("k", "v1").addUserProperty("k", "v2");
    ByteBuf b = MqttEncoder.encodePublish(ALLOC, 5, "t", 1, false, false, 9, new byte[] {42}, p, 59,
        new int[] {1, 268_435_455}, 7);
    MqttPublishMessage m = (MqttPublishMessage) NettyReference.decode(b, 5);

    MqttProperties props = m.variableHeader().properties();
    assertThat(props.getProperty(MqttProperties.PAYLOAD_FORMAT_INDICATOR).value()).isEqualTo(1);
    assertThat(props.getProperty(MqttProperties.PUBLICATION_EXPIRY_INTERVAL).value()).isEqualTo(59);
    assertThat(props.getProperty(MqttProperties.CONTENT_TYPE).value()).isEqualTo("application/json");
    assertThat(props.getProperty(MqttProperties.RESPONSE_TOPIC).value()).isEqualTo("reply/to");
    assertThat((byte[]) props.getProperty(MqttProperties.CORRELATION_DATA).value()).containsExactly(1, 2, 3);
    assertThat(props.getProperties(MqttProperties.SUBSCRIPTION_IDENTIFIER)).extracting(MqttProperties.MqttProperty::value)
        .containsExactly(1, 268_435_455);
    assertThat(props.getProperty(MqttProperties.TOPIC_ALIAS).value()).isEqualTo(7);
    @SuppressWarnings("unchecked")
    List<MqttProperties.StringPair> user = (List<MqttProperties.StringPair>) props.getProperty(MqttProperties.USER_PROPERTY).value();
    assertThat(user).extracting(u -> u.key, u -> u.value).containsExactly(tuple("k", "v1"), tuple("k", "v2"));
    m.release();
  }

  @Test
  void publishPropertiesAreLeftOutBelowMqtt5() {
    PacketProperties p = reasonAndUser("ignored");
    p.contentType = "text/plain";
    ByteBuf b = MqttEncoder.encodePublish(ALLOC, 4, "t", 0, false, false, 0, new byte[] {1}, p, 10, new int[] {3}, 2);
    assertThat(hex(b)).isEqualTo("30 04 00 01 74 01");
    b.release();
  }

  // ---- sizes and limits ----------------------------------------------------------------------

  @ParameterizedTest(name = "payload {0} bytes, level {1}")
  @CsvSource({"0, 4", "1, 5", "120, 5", "121, 4", "16370, 5", "16380, 4", "2097140, 5"})
  void publishSizeIsWhatIsEncoded(int payloadSize, int level) {
    PacketProperties p = new PacketProperties();
    p.contentType = "text/plain";
    p.addUserProperty("a", "b");
    int[] subIds = {5, 300};
    int predicted = MqttEncoder.publishSize(level, "a/ü/c", 1, new byte[payloadSize], p, 30, subIds, 4);
    ByteBuf b = MqttEncoder.encodePublish(ALLOC, level, "a/ü/c", 1, false, false, 1, new byte[payloadSize], p, 30, subIds, 4);
    assertThat(predicted).isEqualTo(b.readableBytes());
    b.release();
  }

  @Test
  void reasonStringIsLeftOutWhenTheClientsMaximumHasNoRoomForIt() {
    AckPacket ack = new AckPacket(PacketType.PUBACK, 7, 0x90, new PacketProperties().reasonString("topic not allowed"));
    ByteBuf small = MqttEncoder.encode(ALLOC, ack, 5, 10);
    assertThat(hex(small)).isEqualTo("40 03 00 07 90");
    ByteBuf roomy = MqttEncoder.encode(ALLOC, ack, 5, 1000);
    assertThat(roomy.readableBytes()).isGreaterThan(small.readableBytes());
    small.release();
    roomy.release();

    PacketProperties connAckProps = new PacketProperties();
    connAckProps.receiveMaximum = 10;
    ByteBuf connAck = MqttEncoder.encode(ALLOC, new ConnAckPacket(false, 0, connAckProps), 5, 4);
    assertThat(hex(connAck)).as("a CONNACK without a reason string keeps its properties").isEqualTo("20 06 00 00 03 21 00 0a");
    connAck.release();
  }

  @Test
  void serverRefusesToEncodeClientPackets() {
    ConnectPacket connect = new ConnectPacket("MQTT", 4, true, 60, "c", null, null, null, PacketProperties.NONE);
    assertThatThrownBy(() -> MqttEncoder.encode(ALLOC, connect, 4)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MqttEncoder.encode(ALLOC, SimplePacket.PINGREQ, 4)).isInstanceOf(IllegalArgumentException.class);
  }
}
