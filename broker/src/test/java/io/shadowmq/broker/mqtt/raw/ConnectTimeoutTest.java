package io.shadowmq.broker.mqtt.raw;

import io.shadowmq.broker.TestBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static io.shadowmq.broker.mqtt.raw.MqttBytes.packet;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.str;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.u16;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connection that never completes its CONNECT, whether it sends nothing or a remaining length
 * that runs past the bytes it sends, is closed after the connect timeout; meanwhile everyone else
 * is served.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ConnectTimeoutTest {
  private static TestBroker broker;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = TestBroker.start("--connect-timeout", "1");
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  private static long elapsedMillis(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  @Test
  void connectionThatSendsNothingIsClosedAfterTheConnectTimeout() throws Exception {
    try (RawClient c = RawClient.open(broker)) {
      long start = System.nanoTime();
      c.expectClosed();
      assertThat(elapsedMillis(start)).isGreaterThanOrEqualTo(1_000);
    }
  }

  @Test
  void connectWhoseRemainingLengthRunsPastTheDataIsClosedAfterTheConnectTimeout() throws Exception {
    try (RawClient stalled = RawClient.open(broker)) {
      long start = System.nanoTime();
      stalled.send("10 20 00 04 4d 51 54 54 04"); // announces 32 bytes, sends 7
      // Meanwhile another client connects, subscribes and gets its own message.
      try (RawClient other = RawClient.connected311(broker, "other")) {
        other.send(packet(0x82, u16(1), str("t"), MqttBytes.u8(0))).expect("90 03 00 01 00");
        other.send(packet(0x30, str("t"), MqttBytes.hex("78"))).expect(packet(0x30, str("t"), MqttBytes.hex("78")));
      }
      stalled.expectClosed();
      assertThat(elapsedMillis(start)).isGreaterThanOrEqualTo(1_000);
    }
  }
}
