package io.shadowmq.broker.security;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import io.shadowmq.broker.Clients;
import io.shadowmq.broker.TestBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The rule file is reloaded when it changes, without a restart; a broken edit keeps the rules in force. */
@Timeout(60)
class AclFileReloadTest {
  TestBroker broker;
  Clients clients;

  @AfterEach
  void stop() {
    if (clients != null) {
      clients.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  private Mqtt5SubAckReasonCode subscribe(String filter) {
    Mqtt5BlockingClient c = clients.hive5("reader");
    c.connect();
    try {
      return c.subscribeWith().topicFilter(filter).qos(MqttQos.AT_MOST_ONCE).send().getReasonCodes().get(0);
    } catch (Mqtt5SubAckException e) {
      return e.getMqttMessage().getReasonCodes().get(0);
    } finally {
      c.disconnect();
    }
  }

  @Test
  void aChangedFileTakesEffectAndABrokenOneIsIgnored() throws Exception {
    Path acl = Files.createTempFile("rules", ".acl");
    Files.writeString(acl, "deny subscribe reports/# anonymous\n");
    broker = TestBroker.start("--allow-anonymous", "--acl-file", acl.toString());
    clients = new Clients(broker);
    assertThat(subscribe("reports/daily")).isEqualTo(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);

    Files.writeString(acl, "allow subscribe reports/daily anonymous\ndeny subscribe reports/# anonymous\n");
    await().atMost(Duration.ofSeconds(15)).until(() -> broker.counter("shadowmq.acl.reloads", "result", "ok") == 1);
    assertThat(subscribe("reports/daily")).isEqualTo(Mqtt5SubAckReasonCode.GRANTED_QOS_0);
    assertThat(subscribe("reports/weekly")).isEqualTo(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);

    Files.writeString(acl, "allow subscribe reports/# nobody-knows-this-subject\n");
    await().atMost(Duration.ofSeconds(15))
        .until(() -> broker.counter("shadowmq.acl.reloads", "result", "invalid") == 1);
    assertThat(subscribe("reports/daily")).isEqualTo(Mqtt5SubAckReasonCode.GRANTED_QOS_0);
    assertThat(subscribe("reports/weekly")).isEqualTo(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);
  }

  @Test
  void aBrokenFileStopsTheStartWithItsLine() throws Exception {
    Path acl = Files.createTempFile("rules", ".acl");
    Files.writeString(acl, "# fine\nallow subscribe a/# devices\nallow subscribe b/# somebody\n");
    assertThatThrownBy(() -> TestBroker.start("--acl-file", acl.toString()))
        .hasMessageContaining("line 3").hasMessageContaining("subject");
  }
}
