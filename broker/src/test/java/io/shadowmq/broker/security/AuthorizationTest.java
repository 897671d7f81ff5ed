package io.shadowmq.broker.security;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3SubAckException;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import io.shadowmq.broker.Clients;
import io.shadowmq.broker.TestBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Per-device authorization: a device uses its own shadow, method and devices/ topics and nothing of
 * another device's; a rule file grants an application client more; anonymous clients are held to
 * the rules too, and a client id with wildcard characters gains nothing.
 */
@Timeout(60)
class AuthorizationTest {
  static TestBroker broker;
  Clients clients;

  @BeforeAll
  static void start() throws Exception {
    Path data = TestBroker.tempDir();
    new Provision()
        .device("dev-a", "a-secret", Map.of())
        .device("dev-b", "b-secret", Map.of())
        .device("backend-1", "backend-secret", Map.of("role", "backend"))
        .into(data);
    Path acl = data.resolve("rules.acl");
    Files.writeString(acl, """
        # the application client updates any device's shadow and reads all telemetry
        allow both      $aws/things/+/shadow/#   tag role=backend
        allow subscribe devices/+/telemetry      tag role=backend
        # anonymous clients get a sandbox of their own, nothing else
        allow both      sandbox/{clientid}/#     anonymous
        deny  both      #                        anonymous
        """);
    broker = TestBroker.startWithStorage("--data-dir", data.toString(), "--acl-file", acl.toString(),
        "--allow-anonymous");
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  @BeforeEach
  void openClients() {
    clients = new Clients(broker);
  }

  @AfterEach
  void closeClients() {
    clients.close();
  }

  Mqtt5BlockingClient device(String id, String password) {
    Mqtt5BlockingClient c = clients.hive5(id);
    c.connectWith().simpleAuth().username(id).password(password.getBytes(StandardCharsets.UTF_8)).applySimpleAuth()
        .send();
    return c;
  }

  static Mqtt5PubAckReasonCode publish(Mqtt5BlockingClient c, String topic) {
    try {
      var result = c.publishWith().topic(topic).payload("x".getBytes(StandardCharsets.UTF_8))
          .qos(MqttQos.AT_LEAST_ONCE).send();
      return ((Mqtt5PublishResult.Mqtt5Qos1Result) result).getPubAck().getReasonCode();
    } catch (Mqtt5PubAckException e) {
      return e.getMqttMessage().getReasonCode();
    }
  }

  static Mqtt5SubAckReasonCode subscribe(Mqtt5BlockingClient c, String filter) {
    try {
      return c.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send().getReasonCodes().get(0);
    } catch (Mqtt5SubAckException e) {
      return e.getMqttMessage().getReasonCodes().get(0);
    }
  }

  @Test
  void aDeviceUsesItsOwnShadowMethodAndDeviceTopics() {
    Mqtt5BlockingClient a = device("dev-a", "a-secret");
    var inbox = a.publishes(MqttGlobalPublishFilter.SUBSCRIBED);
    for (String filter : List.of("$aws/things/dev-a/shadow/update/delta", "state/dev-a/#", "$iothub/methods/POST/#",
        "devices/dev-a/#")) {
      assertThat(subscribe(a, filter)).as(filter).isEqualTo(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
    }
    assertThat(publish(a, "devices/dev-a/telemetry")).isIn(Mqtt5PubAckReasonCode.SUCCESS);
    assertThat(publish(a, "$iothub/methods/res/200/?$rid=1")).isIn(Mqtt5PubAckReasonCode.SUCCESS,
        Mqtt5PubAckReasonCode.NO_MATCHING_SUBSCRIBERS);
    assertThat(inboxTopic(inbox)).isEqualTo("devices/dev-a/telemetry");
  }

  private static String inboxTopic(Mqtt5BlockingClient.Mqtt5Publishes inbox) {
    try {
      return inbox.receive(5, TimeUnit.SECONDS).map(p -> p.getTopic().toString()).orElse(null);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void deviceACannotPublishToDeviceBsTopicsAndBReceivesNothing() throws Exception {
    Mqtt5BlockingClient b = device("dev-b", "b-secret");
    var inbox = b.publishes(MqttGlobalPublishFilter.SUBSCRIBED);
    assertThat(subscribe(b, "devices/dev-b/#")).isEqualTo(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
    assertThat(subscribe(b, "$aws/things/dev-b/shadow/#")).isEqualTo(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
    Mqtt5BlockingClient a = device("dev-a", "a-secret");
    double deniedBefore = broker.counter("shadowmq.authorization.denied", "action", "publish");

    for (String topic : List.of("$aws/things/dev-b/shadow/update", "state/dev-b/update", "devices/dev-b/commands",
        "$iothub/methods/POST/reboot/?$rid=7")) {
      assertThat(publish(a, topic)).as(topic).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
    }
    assertThat(broker.counter("shadowmq.authorization.denied", "action", "publish")).isEqualTo(deniedBefore + 4);

    // B's own message arrives: had any of A's been routed, it would have come first.
    assertThat(publish(b, "devices/dev-b/self")).isIn(Mqtt5PubAckReasonCode.SUCCESS);
    assertThat(inboxTopic(inbox)).isEqualTo("devices/dev-b/self");
  }

  @Test
  void deviceACannotSubscribeToDeviceBsTopicsOrToEveryDevice() {
    Mqtt5BlockingClient a = device("dev-a", "a-secret");
    for (String filter : List.of("$aws/things/dev-b/shadow/update/delta", "state/dev-b/#", "devices/dev-b/#",
        "devices/+/telemetry", "$aws/things/+/shadow/#", "#", "$iothub/methods/res/#", "$share/g/devices/dev-b/#")) {
      assertThat(subscribe(a, filter)).as(filter).isEqualTo(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);
    }
  }

  @Test
  void overMqtt311ADeniedSubscriptionFailsAndADeniedPublishClosesTheConnection() {
    Mqtt3BlockingClient a = clients.hive3("dev-a");
    a.connectWith().simpleAuth().username("dev-a").password("a-secret".getBytes(StandardCharsets.UTF_8))
        .applySimpleAuth().send();
    assertThatThrownBy(() -> a.subscribeWith().topicFilter("devices/dev-b/#").qos(MqttQos.AT_LEAST_ONCE).send())
        .isInstanceOfSatisfying(Mqtt3SubAckException.class,
            e -> assertThat(e.getMqttMessage().getReturnCodes()).containsExactly(Mqtt3SubAckReturnCode.FAILURE));
    assertThat(a.getState().isConnected()).as("a refused subscription keeps the connection").isTrue();

    assertThatThrownBy(() -> a.publishWith().topic("devices/dev-b/commands").qos(MqttQos.AT_LEAST_ONCE)
        .payload("x".getBytes(StandardCharsets.UTF_8)).send()).as("no PUBACK: the connection is closed");
    await().atMost(Duration.ofSeconds(5)).until(() -> !a.getState().isConnected());
  }

  @Test
  void aWillOnAnotherDevicesTopicIsRefusedAtConnect() {
    Mqtt5BlockingClient a = clients.hive5("dev-a");
    assertThatThrownBy(() -> a.connectWith().simpleAuth().username("dev-a")
        .password("a-secret".getBytes(StandardCharsets.UTF_8)).applySimpleAuth()
        .willPublish().topic("devices/dev-b/status").payload("gone".getBytes(StandardCharsets.UTF_8)).applyWillPublish()
        .send())
        .isInstanceOfSatisfying(Mqtt5ConnAckException.class,
            e -> assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED));
    assertThat(broker.counter("shadowmq.authorization.denied", "action", "will")).isPositive();
  }

  @Test
  void aRuleFileGrantsTheApplicationClientEveryShadowAndAllTelemetry() throws Exception {
    // each inbox is opened before its subscription, so nothing can arrive before it is there
    Mqtt5BlockingClient a = device("dev-a", "a-secret");
    var deviceInbox = a.publishes(MqttGlobalPublishFilter.SUBSCRIBED);
    assertThat(subscribe(a, "$aws/things/dev-a/shadow/update/delta")).isEqualTo(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
    Mqtt5BlockingClient backend = device("backend-1", "backend-secret");
    var backendInbox = backend.publishes(MqttGlobalPublishFilter.SUBSCRIBED);
    assertThat(subscribe(backend, "devices/+/telemetry")).isEqualTo(Mqtt5SubAckReasonCode.GRANTED_QOS_1);

    assertThat(publish(a, "devices/dev-a/telemetry")).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
    assertThat(inboxTopic(backendInbox)).isEqualTo("devices/dev-a/telemetry");

    // The backend sets the device's desired state; the device is told the difference.
    var update = backend.publishWith().topic("$aws/things/dev-a/shadow/update").qos(MqttQos.AT_LEAST_ONCE)
        .payload("{\"state\":{\"desired\":{\"speed\":3}}}".getBytes(StandardCharsets.UTF_8)).send();
    assertThat(update.getError()).isEmpty();
    var delta = deviceInbox.receive(10, TimeUnit.SECONDS).orElseThrow();
    assertThat(delta.getTopic().toString()).isEqualTo("$aws/things/dev-a/shadow/update/delta");
    assertThat(new String(delta.getPayloadAsBytes(), StandardCharsets.UTF_8)).contains("\"speed\":3");

    assertThat(publish(backend, "devices/dev-a/commands")).as("only what the rules grant")
        .isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
  }

  @Test
  void nobodyTakesARegisteredDevicesIdAnonymously() {
    assertThatThrownBy(() -> clients.hive5("dev-a").connect())
        .isInstanceOfSatisfying(Mqtt5ConnAckException.class,
            e -> assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED));
  }

  @Test
  void anAnonymousClientIdWithWildcardCharactersGainsNothing() {
    Mqtt5BlockingClient plain = clients.hive5("visitor");
    plain.connect();
    assertThat(subscribe(plain, "sandbox/visitor/#")).isEqualTo(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
    assertThat(subscribe(plain, "sandbox/+/#")).isEqualTo(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);

    for (String id : List.of("+", "#", "a/b", "$SYS")) {
      Mqtt5BlockingClient c = clients.hive5(id);
      c.connect();
      assertThat(subscribe(c, "sandbox/+/#")).as(id).isEqualTo(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);
      assertThat(subscribe(c, "sandbox/#")).as(id).isEqualTo(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);
      c.disconnect();
    }
    Mqtt5BlockingClient slash = clients.hive5("a/b");
    slash.connect();
    assertThat(publish(slash, "sandbox/a/b/x")).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
  }
}
