package io.shadowmq.broker.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.AttributeKey;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Netty's MQTT codec (netty-codec-mqtt, written independently of ours) as the reference our codec
 * is checked against: it decodes what our encoder writes, and encodes what our decoder reads.
 */
final class NettyReference {
  /** Where Netty's codec keeps a channel's protocol version (MqttCodecUtil.MQTT_VERSION_KEY). */
  private static final AttributeKey<MqttVersion> VERSION = AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");

  private NettyReference() {
  }

  static MqttVersion version(int protocolLevel) {
    return protocolLevel == 5 ? MqttVersion.MQTT_5 : protocolLevel == 4 ? MqttVersion.MQTT_3_1_1 : MqttVersion.MQTT_3_1;
  }

  /** Decodes exactly one packet with Netty's decoder, as a client of that protocol level would. */
  static MqttMessage decode(ByteBuf bytes, int protocolLevel) {
    EmbeddedChannel ch = new EmbeddedChannel(new io.netty.handler.codec.mqtt.MqttDecoder(16 * 1024 * 1024));
    ch.attr(VERSION).set(version(protocolLevel));
    ch.writeInbound(bytes);
    MqttMessage m = ch.readInbound();
    assertThat(m).as("Netty decoded a packet").isNotNull();
    assertThat(m.decoderResult().isSuccess()).as("Netty decodes it: %s", m.decoderResult()).isTrue();
    assertThat((Object) ch.readInbound()).as("exactly one packet").isNull();
    ch.finishAndReleaseAll();
    return m;
  }

  /** Encodes a packet with Netty's encoder for the protocol level. */
  static ByteBuf encode(MqttMessage message, int protocolLevel) {
    EmbeddedChannel ch = new EmbeddedChannel(io.netty.handler.codec.mqtt.MqttEncoder.INSTANCE);
    ch.attr(VERSION).set(version(protocolLevel));
    ch.writeOutbound(message);
    ByteBuf out = Unpooled.buffer();
    for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
      out.writeBytes(b);
      b.release();
    }
    ch.finishAndReleaseAll();
    return out;
  }

  static String hex(ByteBuf buf) {
    String dump = ByteBufUtil.hexDump(buf);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < dump.length(); i += 2) {
      if (i > 0) {
        sb.append(' ');
      }
      sb.append(dump, i, i + 2);
    }
    return sb.toString();
  }
}
