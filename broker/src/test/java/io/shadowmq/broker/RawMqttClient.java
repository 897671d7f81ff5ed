package io.shadowmq.broker;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttQoS;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An MQTT client on a plain socket that does nothing by itself: the test sends every packet
 * (built with Netty's MQTT codec, not ours) and sees every packet the broker sends, so it controls
 * acknowledgements, DUP flags and packet ids exactly. It can also leave the socket unread, like a
 * device that stopped reading.
 */
public final class RawMqttClient implements AutoCloseable {
  private final Socket socket;
  private final EmbeddedChannel codec = new EmbeddedChannel(new MqttDecoder(16 * 1024 * 1024), MqttEncoder.INSTANCE);
  private final BlockingQueue<MqttMessage> received = new LinkedBlockingQueue<>();
  private final CountDownLatch closed = new CountDownLatch(1);

  private RawMqttClient(Socket socket, boolean read) {
    this.socket = socket;
    if (read) {
      Thread reader = new Thread(this::readLoop, "raw-mqtt-reader");
      reader.setDaemon(true);
      reader.start();
    }
  }

  /** Opens a connection that reads and decodes whatever the broker sends. */
  public static RawMqttClient open(TestBroker broker) throws IOException {
    return new RawMqttClient(socket(broker, 0), true);
  }

  /** Opens a connection that never reads: the broker's writes pile up in the socket buffers. */
  public static RawMqttClient openNeverReading(TestBroker broker, int receiveBufferBytes) throws IOException {
    return new RawMqttClient(socket(broker, receiveBufferBytes), false);
  }

  private static Socket socket(TestBroker broker, int receiveBufferBytes) throws IOException {
    Socket s = new Socket();
    if (receiveBufferBytes > 0) {
      s.setReceiveBufferSize(receiveBufferBytes); // before connect, so the window is small from the start
    }
    s.connect(new InetSocketAddress(broker.host(), broker.port()), 5_000);
    s.setTcpNoDelay(true);
    return s;
  }

  private void readLoop() {
    byte[] buf = new byte[8192];
    try (InputStream in = socket.getInputStream()) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        synchronized (codec) {
          codec.writeInbound(Unpooled.copiedBuffer(buf, 0, n));
          MqttMessage m;
          while ((m = codec.readInbound()) != null) {
            received.add(m);
          }
        }
      }
    } catch (IOException e) {
      // the broker reset the connection: the same as a close for the test
    } finally {
      closed.countDown();
    }
  }

  /** Encodes and sends one packet. */
  public void send(MqttMessage message) throws IOException {
    byte[] bytes;
    synchronized (codec) {
      codec.writeOutbound(message);
      ByteBuf out = codec.readOutbound();
      bytes = new byte[out.readableBytes()];
      out.readBytes(bytes);
      out.release();
    }
    sendBytes(bytes);
  }

  public void sendBytes(byte[] bytes) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(bytes);
    out.flush();
  }

  /** Sends CONNECT and returns the CONNACK. */
  public MqttConnAckMessage connect(MqttMessage connect) throws IOException, InterruptedException {
    send(connect);
    return (MqttConnAckMessage) expect(MqttMessageType.CONNACK, Duration.ofSeconds(5));
  }

  /** The next packet from the broker, or null when none arrives in time. */
  public MqttMessage receive(Duration timeout) throws InterruptedException {
    return received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The next packet, which must be of the given type. */
  public MqttMessage expect(MqttMessageType type, Duration timeout) throws InterruptedException {
    MqttMessage m = receive(timeout);
    if (m == null) {
      throw new AssertionError("no " + type + " within " + timeout);
    }
    if (m.fixedHeader().messageType() != type) {
      throw new AssertionError("expected " + type + " but got " + m);
    }
    return m;
  }

  /** Waits until the broker closes the connection. */
  public boolean awaitClosedByBroker(Duration timeout) throws InterruptedException {
    return closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** An acknowledgement packet (PUBACK, PUBREC, PUBREL or PUBCOMP) for a packet id. */
  public static MqttMessage ack(MqttMessageType type, int packetId) {
    MqttQoS qos = type == MqttMessageType.PUBREL ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE;
    return new MqttMessage(new MqttFixedHeader(type, false, qos, false, 2), MqttMessageIdVariableHeader.from(packetId));
  }

  /** Closes the socket without DISCONNECT. */
  @Override
  public void close() throws IOException {
    socket.close();
    synchronized (codec) {
      codec.finishAndReleaseAll();
    }
  }
}
