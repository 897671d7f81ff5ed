package io.shadowmq.broker.shadow;

import io.shadowmq.broker.TestBroker;
import io.shadowmq.broker.shadow.ShadowClient.Received;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Offline catch-up: a device that subscribes to its own delta topic gets the current delta after its SUBACK. */
@Timeout(60)
class ShadowCatchUpTest {
  TestBroker broker;
  final List<ShadowClient> clients = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    broker = TestBroker.start();
  }

  @AfterEach
  void tearDown() {
    clients.forEach(ShadowClient::close);
    broker.close();
  }

  ShadowClient client(String id) {
    ShadowClient c = new ShadowClient(broker, id);
    clients.add(c);
    return c;
  }

  void desire(String topic, String desired) throws Exception {
    ShadowClient app = client("app-" + clients.size()).subscribe(topic + "/accepted");
    app.publish(topic, "{\"state\":{\"desired\":" + desired + "}}");
    app.next();
  }

  @Test
  void aDeviceThatMissedADesiredChangeGetsTheDeltaWhenItSubscribes() throws Exception {
    desire("$aws/things/valve-3/shadow/update", "{\"open\":true,\"limit\":{\"max\":80}}");

    ShadowClient device = client("valve-3").subscribe("$aws/things/valve-3/shadow/update/delta");
    Received delta = device.next();
    assertThat(delta.topic()).isEqualTo("$aws/things/valve-3/shadow/update/delta");
    assertThat(delta.body().getJsonObject("state")).isEqualTo(new JsonObject("{\"open\":true,\"limit\":{\"max\":80}}"));
    assertThat(delta.body().getLong("version")).isEqualTo(1);
    assertThat(delta.body().containsKey("clientToken")).isFalse();
    assertThat(delta.publish().isRetain()).isFalse();
    device.expectNothing();
  }

  @Test
  void theCatchUpWorksOnTheShortLayoutAndForNamedShadows() throws Exception {
    desire("state/valve-4/update", "{\"fw\":\"3.0\"}");
    desire("$aws/things/valve-4/shadow/name/cfg/update", "{\"rate\":2}");
    ShadowClient device = client("valve-4").subscribe("state/valve-4/update/delta");
    assertThat(device.next().body().getJsonObject("state")).isEqualTo(new JsonObject().put("fw", "3.0"));
    device.subscribe("$aws/things/valve-4/shadow/name/cfg/update/delta");
    Received named = device.next();
    assertThat(named.topic()).isEqualTo("$aws/things/valve-4/shadow/name/cfg/update/delta");
    assertThat(named.body().getJsonObject("state")).isEqualTo(new JsonObject().put("rate", 2));
  }

  @Test
  void noCatchUpWithoutADeltaForAnotherThingOrThroughAWildcard() throws Exception {
    desire("$aws/things/valve-5/shadow/update", "{\"open\":true}");
    ShadowClient other = client("someone-else").subscribe("$aws/things/valve-5/shadow/update/delta");
    other.expectNothing();
    ShadowClient wildcard = client("valve-5").subscribe("$aws/things/valve-5/shadow/update/+");
    wildcard.expectNothing();

    ShadowClient inSync = client("valve-6");
    inSync.subscribe("$aws/things/valve-6/shadow/update/accepted");
    inSync.publish("$aws/things/valve-6/shadow/update", "{\"state\":{\"desired\":{\"a\":1},\"reported\":{\"a\":1}}}");
    inSync.next();
    inSync.subscribe("$aws/things/valve-6/shadow/update/delta");
    inSync.expectNothing();
  }
}
