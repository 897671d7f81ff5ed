package io.shadowmq.broker.mqtt.raw;

import io.shadowmq.broker.TestBroker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;

import static io.shadowmq.broker.mqtt.raw.MqttBytes.toHex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A plain TCP socket to a broker: writes exact bytes, reads exact answers, each read bounded by a
 * timeout, and tells a close by the server from silence.
 */
public final class RawClient implements AutoCloseable {
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

  private final Socket socket;
  private final InputStream in;

  private RawClient(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
  }

  public static RawClient open(TestBroker broker) throws IOException {
    Socket s = new Socket();
    s.setTcpNoDelay(true);
    s.connect(new InetSocketAddress(broker.host(), broker.port()), (int) READ_TIMEOUT.toMillis());
    s.setSoTimeout((int) READ_TIMEOUT.toMillis());
    return new RawClient(s);
  }

  /** Opens a connection and completes an MQTT 3.1.1 CONNECT. */
  public static RawClient connected311(TestBroker broker, String clientId) throws IOException {
    RawClient c = open(broker);
    c.send(MqttBytes.connect311(clientId));
    c.expect(MqttBytes.CONNACK_311);
    return c;
  }

  /** Opens a connection and completes an MQTT 5 CONNECT; returns after the CONNACK (its bytes are checked elsewhere). */
  public static RawClient connected5(TestBroker broker, String clientId) throws IOException {
    RawClient c = open(broker);
    c.send(MqttBytes.connect5(clientId));
    byte[] connAck = c.readPacket();
    assertThat(connAck[0]).as("CONNACK").isEqualTo((byte) 0x20);
    assertThat(connAck[3]).as("CONNACK reason code").isEqualTo((byte) 0x00);
    return c;
  }

  public RawClient send(byte[] bytes) throws IOException {
    socket.getOutputStream().write(bytes);
    socket.getOutputStream().flush();
    return this;
  }

  public RawClient send(String hex) throws IOException {
    return send(MqttBytes.hex(hex));
  }

  /** Reads exactly as many bytes as expected and compares them. */
  public RawClient expect(byte[] expected) throws IOException {
    byte[] got = readExactly(expected.length);
    assertThat(toHex(got)).isEqualTo(toHex(expected));
    return this;
  }

  public RawClient expect(String hex) throws IOException {
    return expect(MqttBytes.hex(hex));
  }

  /** Reads one whole packet (fixed header, remaining length and body). */
  public byte[] readPacket() throws IOException {
    ByteArrayOutputStream packet = new ByteArrayOutputStream();
    packet.write(readExactly(1));
    int length = 0;
    int multiplier = 1;
    for (int i = 0; ; i++) {
      byte digit = readExactly(1)[0];
      packet.write(digit);
      length += (digit & 0x7F) * multiplier;
      multiplier *= 128;
      if ((digit & 0x80) == 0) {
        break;
      }
      assertThat(i).as("remaining length sent by the broker is longer than 4 bytes").isLessThan(3);
    }
    packet.write(readExactly(length));
    return packet.toByteArray();
  }

  /** Asserts the server closes the connection without sending anything (more). */
  public void expectClosed() throws IOException {
    try {
      int b = in.read();
      if (b >= 0) {
        byte[] rest = in.readNBytes(in.available());
        fail("expected the broker to close the connection, but it sent %02x %s", b, toHex(rest));
      }
    } catch (SocketTimeoutException e) {
      fail("the broker did not close the connection within %s", READ_TIMEOUT);
    } catch (SocketException e) {
      // A reset is a close too: the broker may drop the connection with bytes of ours unread.
    }
  }

  /** Asserts nothing arrives for a while and the connection stays open (a bounded wait: proving an absence). */
  public void expectSilence(Duration quiet) throws IOException {
    socket.setSoTimeout((int) quiet.toMillis());
    try {
      int b = in.read();
      fail(b < 0 ? "the broker closed the connection" : String.format("the broker sent %02x", b));
    } catch (SocketTimeoutException expected) {
      // nothing came, and the socket is still open
    } finally {
      socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
    }
  }

  private byte[] readExactly(int n) throws IOException {
    byte[] b = new byte[n];
    int read = 0;
    try {
      while (read < n) {
        int r = in.read(b, read, n - read);
        if (r < 0) {
          fail("the broker closed the connection after %d of %d expected bytes: %s", read, n,
              toHex(java.util.Arrays.copyOf(b, read)));
        }
        read += r;
      }
    } catch (SocketTimeoutException e) {
      fail("only %d of %d expected bytes arrived within %s: %s", read, n, READ_TIMEOUT,
          toHex(java.util.Arrays.copyOf(b, read)));
    }
    return b;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
