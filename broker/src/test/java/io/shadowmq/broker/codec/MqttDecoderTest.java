package io.shadowmq.broker.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubscriptionOption;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * What a client may send: packets written by Netty's independent MQTT encoder decode to the same
 * fields, whole or split across any number of reads, and every fault comes out as exactly one
 * {@link DecodeFailure} with the reason code the specification gives it.
 */
@Timeout(10)
class MqttDecoderTest {
  private static final int MAX = 4096;

  private final EmbeddedChannel channel = new EmbeddedChannel(new MqttDecoder(MAX));

  private static ByteBuf hex(String digits) {
    return Unpooled.wrappedBuffer(HexFormat.of().parseHex(digits.replace(" ", "")));
  }

  private List<Object> feed(ByteBuf... chunks) {
    for (ByteBuf c : chunks) {
      channel.writeInbound(c);
    }
    List<Object> out = new ArrayList<>();
    for (Object o; (o = channel.readInbound()) != null; ) {
      out.add(o);
    }
    return out;
  }

  private Object single(ByteBuf bytes) {
    List<Object> out = feed(bytes);
    assertThat(out).hasSize(1);
    return out.get(0);
  }

  private DecodeFailure failure(ByteBuf bytes) {
    Object o = single(bytes);
    assertThat(o).isInstanceOf(DecodeFailure.class);
    return (DecodeFailure) o;
  }

  private static MqttProperties nettyProps(Object... idAndValue) {
    MqttProperties p = new MqttProperties();
    for (int i = 0; i < idAndValue.length; i += 2) {
      int id = (Integer) idAndValue[i];
      Object v = idAndValue[i + 1];
      if (v instanceof Integer n) {
        p.add(new MqttProperties.IntegerProperty(id, n));
      } else if (v instanceof String s) {
        p.add(new MqttProperties.StringProperty(id, s));
      } else {
        p.add(new MqttProperties.BinaryProperty(id, (byte[]) v));
      }
    }
    return p;
  }

  private static ByteBuf connect5() {
    return NettyReference.encode(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_5).clientId("c5")
        .cleanSession(true).keepAlive(10).build(), 5);
  }

  /** Puts the decoder in MQTT 5 mode, as a first CONNECT does. */
  private void connectedAs5() {
    assertThat(single(connect5())).isInstanceOf(ConnectPacket.class);
  }

  // ---- round trips of what Netty encodes -------------------------------------------------------

  @Test
  void mqtt311ConnectWithWillAndCredentialsDecodes() {
    ByteBuf b = NettyReference.encode(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_3_1_1)
        .clientId("dev-1").cleanSession(false).keepAlive(30)
        .willFlag(true).willTopic("dev/1/status").willMessage("offline".getBytes(StandardCharsets.UTF_8))
        .willQoS(MqttQoS.AT_LEAST_ONCE).willRetain(true)
        .hasUser(true).username("user").hasPassword(true).password(new byte[] {0, 1, 2}).build(), 4);

    ConnectPacket c = (ConnectPacket) single(b);

    assertThat(c.protocolName()).isEqualTo("MQTT");
    assertThat(c.protocolLevel()).isEqualTo(4);
    assertThat(c.cleanStart()).isFalse();
    assertThat(c.keepAliveSeconds()).isEqualTo(30);
    assertThat(c.clientId()).isEqualTo("dev-1");
    assertThat(c.username()).isEqualTo("user");
    assertThat(c.password()).containsExactly(0, 1, 2);
    assertThat(c.will().topic()).isEqualTo("dev/1/status");
    assertThat(new String(c.will().payload(), StandardCharsets.UTF_8)).isEqualTo("offline");
    assertThat(c.will().qos()).isEqualTo(1);
    assertThat(c.will().retain()).isTrue();
    assertThat(c.properties()).isSameAs(PacketProperties.NONE);
  }

  @Test
  void mqtt31ConnectDecodes() {
    ByteBuf b = NettyReference.encode(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_3_1)
        .clientId("old").cleanSession(true).keepAlive(5).build(), 3);
    ConnectPacket c = (ConnectPacket) single(b);
    assertThat(c.protocolName()).isEqualTo("MQIsdp");
    assertThat(c.protocolLevel()).isEqualTo(3);
  }

  @Test
  void mqtt5ConnectPropertiesAndWillPropertiesDecode() {
    MqttProperties props = nettyProps(MqttProperties.SESSION_EXPIRY_INTERVAL, 3600, MqttProperties.RECEIVE_MAXIMUM, 10,
        MqttProperties.MAXIMUM_PACKET_SIZE, 2048, MqttProperties.TOPIC_ALIAS_MAXIMUM, 5,
        MqttProperties.REQUEST_PROBLEM_INFORMATION, 0, MqttProperties.REQUEST_RESPONSE_INFORMATION, 1);
    props.add(new MqttProperties.UserProperty("k", "v1"));
    props.add(new MqttProperties.UserProperty("k", "v2"));
    MqttProperties willProps = nettyProps(MqttProperties.WILL_DELAY_INTERVAL, 10, MqttProperties.PAYLOAD_FORMAT_INDICATOR, 1,
        MqttProperties.PUBLICATION_EXPIRY_INTERVAL, 60, MqttProperties.CONTENT_TYPE, "text/plain",
        MqttProperties.RESPONSE_TOPIC, "re/ply", MqttProperties.CORRELATION_DATA, new byte[] {9});
    ByteBuf b = NettyReference.encode(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_5).clientId("")
        .cleanSession(true).keepAlive(0).properties(props).willFlag(true).willTopic("w").willMessage("bye")
        .willQoS(MqttQoS.EXACTLY_ONCE).willProperties(willProps).build(), 5);

    ConnectPacket c = (ConnectPacket) single(b);

    PacketProperties p = c.properties();
    assertThat(c.clientId()).isEmpty();
    assertThat(p.sessionExpiryInterval).isEqualTo(3600);
    assertThat(p.receiveMaximum).isEqualTo(10);
    assertThat(p.maximumPacketSize).isEqualTo(2048);
    assertThat(p.topicAliasMaximum).isEqualTo(5);
    assertThat(p.requestProblemInformation).isZero();
    assertThat(p.requestResponseInformation).isEqualTo(1);
    assertThat(p.userProperties).extracting(UserProperty::name, UserProperty::value)
        .containsExactly(tuple("k", "v1"), tuple("k", "v2"));
    PacketProperties w = c.will().properties();
    assertThat(c.will().qos()).isEqualTo(2);
    assertThat(w.willDelayInterval).isEqualTo(10);
    assertThat(w.payloadFormatIndicator).isEqualTo(1);
    assertThat(w.messageExpiryInterval).isEqualTo(60);
    assertThat(w.contentType).isEqualTo("text/plain");
    assertThat(w.responseTopic).isEqualTo("re/ply");
    assertThat(w.correlationData).containsExactly(9);
  }

  @Test
  void mqtt5PublishDecodes() {
    connectedAs5();
    MqttProperties props = nettyProps(MqttProperties.PAYLOAD_FORMAT_INDICATOR, 1, MqttProperties.PUBLICATION_EXPIRY_INTERVAL, 30,
        MqttProperties.TOPIC_ALIAS, 3, MqttProperties.RESPONSE_TOPIC, "r", MqttProperties.CORRELATION_DATA, new byte[] {1, 2},
        MqttProperties.CONTENT_TYPE, "application/json");
    props.add(new MqttProperties.UserProperty("b", "2"));
    props.add(new MqttProperties.UserProperty("a", "1"));
    ByteBuf b = NettyReference.encode(MqttMessageBuilders.publish().topicName("geräte/1").qos(MqttQoS.EXACTLY_ONCE)
        .retained(true).messageId(9).properties(props).payload(Unpooled.wrappedBuffer("{}".getBytes(StandardCharsets.UTF_8)))
        .build(), 5);

    PublishPacket p = (PublishPacket) single(b);

    assertThat(p.topic()).isEqualTo("geräte/1");
    assertThat(p.qos()).isEqualTo(2);
    assertThat(p.retain()).isTrue();
    assertThat(p.dup()).isFalse();
    assertThat(p.packetId()).isEqualTo(9);
    assertThat(new String(p.payload(), StandardCharsets.UTF_8)).isEqualTo("{}");
    assertThat(p.properties().payloadFormatIndicator).isEqualTo(1);
    assertThat(p.properties().messageExpiryInterval).isEqualTo(30);
    assertThat(p.properties().topicAlias).isEqualTo(3);
    assertThat(p.properties().responseTopic).isEqualTo("r");
    assertThat(p.properties().correlationData).containsExactly(1, 2);
    assertThat(p.properties().contentType).isEqualTo("application/json");
    assertThat(p.properties().userProperties).extracting(UserProperty::name).containsExactly("b", "a");
  }

  @Test
  void mqtt5SubscribeWithOptionsAndTheLargestSubscriptionIdentifierDecodes() {
    connectedAs5();
    ByteBuf b = NettyReference.encode(MqttMessageBuilders.subscribe().messageId(65_535)
        .properties(nettyProps(MqttProperties.SUBSCRIPTION_IDENTIFIER, 268_435_455))
        .addSubscription("a/+", new MqttSubscriptionOption(MqttQoS.AT_MOST_ONCE, true, false,
            MqttSubscriptionOption.RetainedHandlingPolicy.SEND_AT_SUBSCRIBE))
        .addSubscription("$share/g/b/#", new MqttSubscriptionOption(MqttQoS.EXACTLY_ONCE, false, true,
            MqttSubscriptionOption.RetainedHandlingPolicy.DONT_SEND_AT_SUBSCRIBE))
        .addSubscription("c", new MqttSubscriptionOption(MqttQoS.AT_LEAST_ONCE, false, false,
            MqttSubscriptionOption.RetainedHandlingPolicy.SEND_AT_SUBSCRIBE_IF_NOT_YET_EXISTS))
        .build(), 5);

    SubscribePacket s = (SubscribePacket) single(b);

    assertThat(s.packetId()).isEqualTo(65_535);
    assertThat(s.properties().subscriptionIdentifiers).containsExactly(268_435_455);
    assertThat(s.requests()).containsExactly(
        new SubscribePacket.Request("a/+", 0, true, false, 0),
        new SubscribePacket.Request("$share/g/b/#", 2, false, true, 2),
        new SubscribePacket.Request("c", 1, false, false, 1));
  }

  @Test
  void mqtt311SubscribeAndUnsubscribeDecode() {
    single(NettyReference.encode(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_3_1_1).clientId("c")
        .cleanSession(true).build(), 4));
    SubscribePacket s = (SubscribePacket) single(NettyReference.encode(MqttMessageBuilders.subscribe().messageId(1)
        .addSubscription(MqttQoS.EXACTLY_ONCE, "x/#").addSubscription(MqttQoS.AT_MOST_ONCE, "y").build(), 4));
    assertThat(s.requests()).containsExactly(new SubscribePacket.Request("x/#", 2, false, false, 0),
        new SubscribePacket.Request("y", 0, false, false, 0));
    UnsubscribePacket u = (UnsubscribePacket) single(NettyReference.encode(MqttMessageBuilders.unsubscribe().messageId(2)
        .addTopicFilter("x/#").addTopicFilter("y").build(), 4));
    assertThat(u.packetId()).isEqualTo(2);
    assertThat(u.filters()).containsExactly("x/#", "y");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"PUBACK", "PUBREC", "PUBREL", "PUBCOMP"})
  void mqtt5AcknowledgementWithReasonAndPropertiesDecodes(String type) {
    connectedAs5();
    MqttMessageType t = MqttMessageType.valueOf(type);
    MqttQoS qos = t == MqttMessageType.PUBREL ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE;
    MqttMessage m = new MqttMessage(new MqttFixedHeader(t, false, qos, false, 0),
        new MqttPubReplyMessageVariableHeader(77, (byte) 0x92, nettyProps(MqttProperties.REASON_STRING, "why")));

    AckPacket a = (AckPacket) single(NettyReference.encode(m, 5));

    assertThat(a.type()).isEqualTo(t.value());
    assertThat(a.packetId()).isEqualTo(77);
    assertThat(a.reasonCode()).isEqualTo(0x92);
    assertThat(a.properties().reasonString).isEqualTo("why");
  }

  @Test
  void mqtt5DisconnectWithSessionExpiryDecodes() {
    connectedAs5();
    SimplePacket d = (SimplePacket) single(NettyReference.encode(MqttMessageBuilders.disconnect().reasonCode((byte) 0x04)
        .properties(nettyProps(MqttProperties.SESSION_EXPIRY_INTERVAL, 60)).build(), 5));
    assertThat(d.type()).isEqualTo(PacketType.DISCONNECT);
    assertThat(d.reasonCode()).isEqualTo(4);
    assertThat(d.properties().sessionExpiryInterval).isEqualTo(60);
  }

  @Test
  void shortFormsOfMqtt5PacketsDecodeWithDefaults() {
    connectedAs5();
    assertThat(single(hex("40 02 00 05"))).isEqualTo(AckPacket.of(PacketType.PUBACK, 5, 0));
    assertThat(single(hex("40 03 00 05 10"))).isEqualTo(AckPacket.of(PacketType.PUBACK, 5, 0x10));
    SimplePacket d = (SimplePacket) single(hex("e0 00"));
    assertThat(d.reasonCode()).isZero();
    assertThat(single(hex("c0 00"))).isSameAs(SimplePacket.PINGREQ);
  }

  // ---- framing -------------------------------------------------------------------------------

  @Test
  void packetsSplitIntoSingleBytesDecodeOnlyWhenComplete() {
    ByteBuf all = Unpooled.wrappedBuffer(connect5(),
        NettyReference.encode(MqttMessageBuilders.publish().topicName("t").qos(MqttQoS.AT_LEAST_ONCE).messageId(1)
            .payload(Unpooled.wrappedBuffer(new byte[300])).build(), 5),
        hex("c0 00"));
    List<Object> decoded = new ArrayList<>();
    List<Integer> completedAt = new ArrayList<>();
    for (int i = 0; all.isReadable(); i++) {
      List<Object> out = feed(all.readRetainedSlice(1));
      decoded.addAll(out);
      if (!out.isEmpty()) {
        completedAt.add(i);
      }
    }
    assertThat(decoded).extracting(o -> ((Packet) o).type())
        .containsExactly(PacketType.CONNECT, PacketType.PUBLISH, PacketType.PINGREQ);
    assertThat(((PublishPacket) decoded.get(1)).payload()).hasSize(300);
    int connectSize = connect5().readableBytes();
    assertThat(completedAt).containsExactly(connectSize - 1, all.capacity() - 3, all.capacity() - 1);
  }

  @Test
  void severalPacketsInOneReadAllDecode() {
    connectedAs5();
    List<Object> out = feed(hex("c0 00 40 02 00 01 50 02 00 02 c0 00 e0 00"));
    assertThat(out).extracting(o -> ((Packet) o).type()).containsExactly(PacketType.PINGREQ, PacketType.PUBACK,
        PacketType.PUBREC, PacketType.PINGREQ, PacketType.DISCONNECT);
  }

  @Test
  void packetOfExactlyTheMaximumSizeDecodes() {
    connectedAs5();
    // 1 + 2 (remaining length) + 3 (topic "t") + 1 (no properties) + payload = MAX
    ByteBuf b = Unpooled.buffer();
    b.writeByte(0x30);
    int remaining = MAX - 3;
    b.writeByte(0x80 | (remaining & 0x7F)).writeByte(remaining >> 7);
    b.writeBytes(hex("00 01 74 00")).writeZero(remaining - 4);
    assertThat(((PublishPacket) single(b)).payload()).hasSize(remaining - 4);
  }

  @Test
  void packetOverTheMaximumSizeFailsFromItsFixedHeaderAlone() {
    connectedAs5();
    int remaining = MAX - 2; // one byte too many with a two-byte remaining length
    DecodeFailure f = failure(Unpooled.buffer().writeByte(0x30).writeByte(0x80 | (remaining & 0x7F)).writeByte(remaining >> 7));
    assertThat(f.reasonCode()).isEqualTo(ReasonCode.PACKET_TOO_LARGE);
    assertThat(f.packetType()).isEqualTo(PacketType.PUBLISH);
    assertThat(f.protocolLevel()).isEqualTo(5);
  }

  @Test
  void oversizedMqtt5ConnectIsRecognisedAsMqtt5() {
    DecodeFailure f = failure(hex("10 ff 7f 00 04 4d 51 54 54 05 02 00 3c"));
    assertThat(f.reasonCode()).isEqualTo(ReasonCode.PACKET_TOO_LARGE);
    assertThat(f.protocolLevel()).isEqualTo(5);
    DecodeFailure old = failureOnAFreshDecoder(hex("10 ff 7f 00 04 4d 51 54 54 04 02 00 3c"));
    assertThat(old.protocolLevel()).isZero();
  }

  @Test
  void fiveByteRemainingLengthIsMalformed() {
    assertThat(failure(hex("30 ff ff ff ff 01")).reasonCode()).isEqualTo(ReasonCode.MALFORMED_PACKET);
  }

  @Test
  void nothingIsDecodedAfterAFailure() {
    connectedAs5();
    assertThat(feed(hex("36 00 c0 00"))).hasSize(1).first().isInstanceOf(DecodeFailure.class);
    assertThat(feed(hex("c0 00 c0 00"))).isEmpty();
  }

  // ---- faults and their reason codes ---------------------------------------------------------

  @ParameterizedTest(name = "{0}: {1} -> 0x{2}")
  @CsvSource({
      "reserved flags on PUBACK,            41 02 00 01,                   81",
      "PUBLISH QoS 3,                       36 04 00 01 74 00,             81",
      "DUP on QoS 0,                        38 04 00 01 74 00,             81",
      "packet id 0,                         32 06 00 01 74 00 00 00,       82",
      "property not valid in PUBLISH,       30 06 00 01 74 02 11 00,       81",
      "unknown property,                    30 06 00 01 74 02 7f 00,       81",
      "subscription id in a client PUBLISH, 30 06 00 01 74 02 0b 01,       82",
      "property twice,                      30 08 00 01 74 04 01 00 01 00, 82",
      "property length not minimal,         30 05 00 01 74 80 00,          81",
      "property past its length,            30 06 00 01 74 01 02 00,       81",
      "topic not UTF-8,                     30 05 00 02 ed a0 00,          81",
      "SUBSCRIBE without a filter,          82 03 00 01 00,                82",
      "retain handling 3,                   82 07 00 01 00 00 01 74 30,    82",
      "subscription id 0,                   82 09 00 01 02 0b 00 00 01 74 00, 82",
      "CONNACK from a client,               20 03 00 00 00,                82",
      "second CONNECT,                      10 0d 00 04 4d 51 54 54 05 02 00 3c 00 00 00, 82",
      "reserved packet type 0,              00 00,                         81",
  })
  void mqtt5FaultHasTheReasonCodeTheSpecGivesIt(String what, String bytes, String reasonHex) {
    connectedAs5();
    DecodeFailure f = failure(hex(bytes));
    assertThat(f.reasonCode()).as(what + ": " + f.message()).isEqualTo(Integer.parseInt(reasonHex, 16));
    assertThat(f.protocolLevel()).isEqualTo(5);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "protocol level 6,     10 0d 00 04 4d 51 54 54 06 02 00 3c 00 01 63, 84, 0",
      "protocol name MQTX,   10 0d 00 04 4d 51 54 58 04 02 00 3c 00 01 63, 82, 0",
      "reserved connect flag, 10 0d 00 04 4d 51 54 54 04 03 00 3c 00 01 63, 81, 4",
      "bytes after the fields, 10 0e 00 04 4d 51 54 54 04 02 00 3c 00 01 63 00, 81, 4",
      "v5 CONNECT bad property, 10 10 00 04 4d 51 54 54 05 02 00 3c 02 18 00 00 01 63, 81, 5",
  })
  void connectFaultsSayWhatTheyKnowOfTheProtocolLevel(String what, String bytes, String reasonHex, int level) {
    DecodeFailure f = failure(hex(bytes));
    assertThat(f.reasonCode()).as(f.message()).isEqualTo(Integer.parseInt(reasonHex, 16));
    assertThat(f.packetType()).isEqualTo(PacketType.CONNECT);
    assertThat(f.protocolLevel()).isEqualTo(level);
  }

  @Test
  void authIsAnMqtt5PacketOnly() {
    single(NettyReference.encode(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_3_1_1).clientId("c")
        .cleanSession(true).build(), 4));
    assertThat(failure(hex("f0 00")).reasonCode()).isEqualTo(ReasonCode.MALFORMED_PACKET);
  }

  private static DecodeFailure failureOnAFreshDecoder(ByteBuf bytes) {
    EmbeddedChannel ch = new EmbeddedChannel(new MqttDecoder(MAX));
    ch.writeInbound(bytes);
    Object o = ch.readInbound();
    assertThat(o).isInstanceOf(DecodeFailure.class);
    return (DecodeFailure) o;
  }
}
