package io.shadowmq.broker.security;

import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import io.shadowmq.broker.Clients;
import io.shadowmq.broker.TestBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Repeated failed logins for one client id are slowed down, then refused for a while, then let through again. */
@Timeout(60)
class LoginSlowDownTest {
  TestBroker broker;
  Clients clients;

  @BeforeEach
  void start() throws Exception {
    Path data = TestBroker.tempDir();
    new Provision().device("pump-1", "right", Map.of()).device("pump-9", "other", Map.of()).into(data);
    broker = TestBroker.startWithStorage("--data-dir", data.toString(), "--auth-failure-limit", "4",
        "--auth-block-seconds", "2");
    clients = new Clients(broker);
  }

  @AfterEach
  void stop() {
    clients.close();
    broker.close();
  }

  /** The CONNACK's reason and how long it took to come. */
  record Attempt(Mqtt5ConnAckReasonCode code, long millis) {
  }

  private Attempt login(String id, String password) {
    long start = System.nanoTime();
    Mqtt5ConnAckReasonCode code;
    try {
      code = clients.hive5(id).connectWith().simpleAuth().username(id)
          .password(password.getBytes(StandardCharsets.UTF_8)).applySimpleAuth().send().getReasonCode();
    } catch (Mqtt5ConnAckException e) {
      code = e.getMqttMessage().getReasonCode();
    }
    return new Attempt(code, (System.nanoTime() - start) / 1_000_000);
  }

  @Test
  void failuresSlowLoginsDownThenRefuseEvenTheRightPasswordUntilTheBlockEnds() {
    assertThat(login("pump-1", "wrong-1").code()).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
    assertThat(login("pump-1", "wrong-2").code()).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);

    Attempt third = login("pump-1", "wrong-3");
    assertThat(third.code()).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
    assertThat(third.millis()).as("third attempt waits").isGreaterThanOrEqualTo(250);
    Attempt fourth = login("pump-1", "wrong-4");
    assertThat(fourth.millis()).as("the wait doubles").isGreaterThanOrEqualTo(500);

    Attempt blocked = login("pump-1", "right");
    assertThat(blocked.code()).as("refused at the limit, whatever the password").isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
    assertThat(broker.counter("shadowmq.connections.refused", "reason", "login_blocked")).isEqualTo(1);

    assertThat(login("pump-9", "other").code()).as("another client id is not held up")
        .isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);

    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500))
        .until(() -> login("pump-1", "right").code() == Mqtt5ConnAckReasonCode.SUCCESS);
  }
}
