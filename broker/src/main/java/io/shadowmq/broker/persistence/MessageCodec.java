package io.shadowmq.broker.persistence;

import io.shadowmq.broker.codec.PacketProperties;
import io.shadowmq.broker.routing.Message;
import io.shadowmq.shadow.store.StoredMessage;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Converts messages to and from their stored form. The MQTT 5 properties a subscriber gets (payload
 * format, content type, response topic, correlation data, user properties) are kept as one small
 * versioned binary field; a message without them stores nothing.
 */
final class MessageCodec {
  private static final int FORMAT = 1;

  private MessageCodec() {
  }

  static StoredMessage toStored(Message m) {
    return new StoredMessage(m.topic(), m.payload(), m.qos(), m.retain(), encodeProperties(m.properties()),
        m.expiresAtMillis(), m.publisherId());
  }

  static Message fromStored(StoredMessage s) {
    return new Message(s.topic(), s.payload(), s.qos(), s.retain(), decodeProperties(s.properties()),
        s.expiresAtMillis(), s.publisher());
  }

  static byte[] encodeProperties(PacketProperties p) {
    if (p.payloadFormatIndicator < 0 && p.contentType == null && p.responseTopic == null && p.correlationData == null
        && (p.userProperties == null || p.userProperties.isEmpty())) {
      return null;
    }
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(FORMAT);
      out.writeByte(p.payloadFormatIndicator);
      writeNullable(out, p.contentType);
      writeNullable(out, p.responseTopic);
      out.writeInt(p.correlationData == null ? -1 : p.correlationData.length);
      if (p.correlationData != null) {
        out.write(p.correlationData);
      }
      int n = p.userProperties == null ? 0 : p.userProperties.size();
      out.writeInt(n);
      for (int i = 0; i < n; i++) {
        writeString(out, p.userProperties.get(i).name());
        writeString(out, p.userProperties.get(i).value());
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static PacketProperties decodeProperties(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      return PacketProperties.NONE;
    }
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
      int format = in.readByte();
      if (format != FORMAT) {
        throw new IllegalStateException("stored message properties in unknown format " + format);
      }
      PacketProperties p = new PacketProperties();
      p.payloadFormatIndicator = in.readByte();
      p.contentType = readNullable(in);
      p.responseTopic = readNullable(in);
      int len = in.readInt();
      if (len >= 0) {
        p.correlationData = in.readNBytes(len);
      }
      int n = in.readInt();
      for (int i = 0; i < n; i++) {
        p.addUserProperty(readString(in), readString(in));
      }
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeNullable(DataOutputStream out, String s) throws IOException {
    out.writeBoolean(s != null);
    if (s != null) {
      writeString(out, s);
    }
  }

  private static String readNullable(DataInputStream in) throws IOException {
    return in.readBoolean() ? readString(in) : null;
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readString(DataInputStream in) throws IOException {
    return new String(in.readNBytes(in.readInt()), StandardCharsets.UTF_8);
  }
}
