package io.shadowmq.broker.api;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import io.shadowmq.broker.Clients;
import io.shadowmq.broker.TestBroker;
import io.vertx.core.json.JsonObject;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Direct methods over HTTP with real MQTT clients as devices: the IoT Hub topics with an MQTT 3.1.1
 * device (Paho), the response topic and correlation data with an MQTT 5 device (HiveMQ); an error
 * status from the device, a device that does not answer (504), one that is not connected (404);
 * the request reaches that device alone.
 */
@Timeout(60)
class MethodApiTest {
  private static final Pattern REQUEST = Pattern.compile("\\$iothub/methods/POST/([^/]+)/\\?\\$rid=(.+)");

  static TestBroker broker;
  static ApiClient api;
  Clients clients;

  @BeforeAll
  static void start() throws Exception {
    broker = TestBroker.start();
    api = new ApiClient(broker, broker.adminToken());
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
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

  /** A 3.1.1 device that answers every method with {@code status} and a body naming the method and payload. */
  MqttClient pahoDevice(String id, int status, List<String> requests) throws Exception {
    MqttClient device = clients.paho3(id);
    device.connect(io.shadowmq.broker.Clients.paho3Options(true));
    device.subscribe("$iothub/methods/POST/#", 1, (topic, message) -> {
      requests.add(topic);
      Matcher m = REQUEST.matcher(topic);
      if (!m.matches()) {
        return;
      }
      JsonObject answer = new JsonObject().put("method", m.group(1))
          .put("got", new JsonObject(new String(message.getPayload(), StandardCharsets.UTF_8)));
      // Answer from another thread: Paho may not publish from inside its callback.
      new Thread(() -> {
        try {
          device.publish("$iothub/methods/res/" + status + "/?$rid=" + m.group(2),
              new MqttMessage(answer.encode().getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }).start();
    });
    return device;
  }

  @Test
  void theDeviceAnswersAndTheCallerGetsItsStatusAndPayload() throws Exception {
    List<String> requests = new CopyOnWriteArrayList<>();
    pahoDevice("fw-1", 200, requests);

    ApiClient.Response r = api.post("/api/v1/devices/fw-1/methods/firmwareUpdate", new JsonObject()
        .put("payload", new JsonObject().put("version", "2.1.0")).put("responseTimeoutInSeconds", 10));

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().getInteger("status")).isEqualTo(200);
    JsonObject payload = r.json().getJsonObject("payload");
    assertThat(payload.getString("method")).isEqualTo("firmwareUpdate");
    assertThat(payload.getJsonObject("got").getString("version")).isEqualTo("2.1.0");
    assertThat(requests).hasSize(1);
    assertThat(broker.counter("shadowmq.method.calls", "outcome", "answered")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void anErrorStatusFromTheDeviceIsPassedOn() throws Exception {
    pahoDevice("fw-2", 503, new CopyOnWriteArrayList<>());

    ApiClient.Response r = api.post("/api/v1/devices/fw-2/methods/reboot", null);

    assertThat(r.status()).as("the call itself succeeded").isEqualTo(200);
    assertThat(r.json().getInteger("status")).isEqualTo(503);
  }

  @Test
  void aDeviceThatDoesNotAnswerTimesOutWith504() throws Exception {
    MqttClient silent = clients.paho3("fw-3");
    silent.connect(io.shadowmq.broker.Clients.paho3Options(true));
    silent.subscribe("$iothub/methods/POST/#", 1);

    long started = System.nanoTime();
    ApiClient.Response r = api.post("/api/v1/devices/fw-3/methods/reboot",
        new JsonObject().put("responseTimeoutInSeconds", 1));

    assertThat(r.status()).isEqualTo(504);
    assertThat(r.errorCode()).isEqualTo("method_timeout");
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isBetween(900L, 10_000L);
  }

  @Test
  void aDeviceThatIsNotConnectedOrNotSubscribedIs404() throws Exception {
    ApiClient.Response absent = api.post("/api/v1/devices/nobody/methods/reboot", null);
    assertThat(absent.status()).isEqualTo(404);
    assertThat(absent.errorCode()).isEqualTo("device_offline");

    MqttClient deaf = clients.paho3("fw-4");
    deaf.connect(io.shadowmq.broker.Clients.paho3Options(true));
    assertThat(api.post("/api/v1/devices/fw-4/methods/reboot", null).status()).isEqualTo(404);
  }

  @Test
  void anMqtt5DeviceAnswersOnTheResponseTopicWithTheCorrelationData() throws Exception {
    Mqtt5BlockingClient device = clients.hive5("fw-5");
    device.connect();
    Mqtt5BlockingClient.Mqtt5Publishes inbox = device.publishes(MqttGlobalPublishFilter.SUBSCRIBED);
    device.subscribeWith().topicFilter("$iothub/methods/POST/#").qos(MqttQos.AT_LEAST_ONCE).send();
    Thread answering = new Thread(() -> {
      try {
        var request = inbox.receive(20, TimeUnit.SECONDS).orElseThrow();
        device.publishWith().topic(request.getResponseTopic().orElseThrow())
            .correlationData(request.getCorrelationData().orElseThrow())
            .userProperties().add("status", "202").applyUserProperties()
            .payload("{\"accepted\":true}".getBytes(StandardCharsets.UTF_8)).qos(MqttQos.AT_LEAST_ONCE).send();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    answering.start();

    ApiClient.Response r = api.post("/api/v1/devices/fw-5/methods/firmwareUpdate",
        new JsonObject().put("responseTimeoutInSeconds", 10));

    answering.join(5000);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().getInteger("status")).isEqualTo(202);
    assertThat(r.json().getJsonObject("payload").getBoolean("accepted")).isTrue();
  }

  @Test
  void theRequestReachesThatDeviceAloneAndClientsCannotPublishRequests() throws Exception {
    List<String> mine = new CopyOnWriteArrayList<>();
    List<String> others = new CopyOnWriteArrayList<>();
    pahoDevice("fw-6", 200, mine);
    pahoDevice("fw-7", 200, others);

    assertThat(api.post("/api/v1/devices/fw-6/methods/ping", null).json().getInteger("status")).isEqualTo(200);
    assertThat(api.post("/api/v1/devices/fw-7/methods/ping", null).json().getInteger("status")).isEqualTo(200);
    assertThat(mine).hasSize(1);
    assertThat(others).as("fw-7 got only its own request").hasSize(1);

    Mqtt5BlockingClient intruder = clients.hive5("intruder");
    intruder.connect();
    assertThatThrownBy(() -> intruder.publishWith().topic("$iothub/methods/POST/reboot/?$rid=1")
        .qos(MqttQos.AT_LEAST_ONCE).send()).isInstanceOfSatisfying(Mqtt5PubAckException.class,
        e -> assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED));
    assertThat(api.post("/api/v1/devices/fw-6/methods/ping", null).json().getInteger("status")).isEqualTo(200);
    assertThat(mine).as("no request from the intruder arrived").hasSize(2);
  }

  @Test
  void aMethodNameOrTimeoutOutsideTheRulesIs400() throws Exception {
    ApiClient.Response badTimeout = api.post("/api/v1/devices/fw-1/methods/reboot",
        new JsonObject().put("responseTimeoutInSeconds", 301));
    assertThat(badTimeout.status()).isEqualTo(400);
    assertThat(badTimeout.json().getJsonObject("error").getString("field")).isEqualTo("responseTimeoutInSeconds");

    ApiClient.Response badName = api.post("/api/v1/devices/fw-1/methods/a$b", null);
    assertThat(badName.status()).isEqualTo(400);
    assertThat(badName.json().getJsonObject("error").getString("field")).isEqualTo("name");
  }
}
