package io.shadowmq.loadtest.client;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.JksOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/** An MQTT 3.1.1 link on the Vert.x MQTT client. */
final class VertxMqttLink implements MqttLink {
  private final Vertx vertx;
  private final Context context;
  private final LinkSettings settings;
  private final String clientId;
  private final MqttClient client;
  private final Map<Integer, Promise<Void>> awaitingAck = new HashMap<>();
  // An acknowledgement can in principle be handled before the publish future told us its packet id.
  private final Set<Integer> earlyAcks = new HashSet<>();
  private MessageHandler messageHandler = (t, p, q) -> { };
  private Runnable closeHandler = () -> { };
  private boolean connected;

  VertxMqttLink(Vertx vertx, Context context, LinkSettings settings, String clientId, boolean persistent,
                String sourceAddress) {
    this.vertx = vertx;
    this.context = context;
    this.settings = settings;
    this.clientId = clientId;
    MqttClientOptions o = new MqttClientOptions()
        .setClientId(clientId)
        .setCleanSession(!persistent)
        .setKeepAliveInterval(settings.keepAliveSeconds())
        .setAutoKeepAlive(true)
        // The scenarios bound in-flight messages themselves; the client must never refuse one.
        .setMaxInflightQueue(65535)
        .setMaxMessageSize(16 * 1024 * 1024);
    o.setConnectTimeout(settings.connectTimeoutSeconds() * 1000);
    if (settings.username() != null) {
      o.setUsername(settings.username());
    }
    if (settings.password() != null) {
      o.setPassword(settings.password());
    }
    if (sourceAddress != null) {
      o.setLocalAddress(sourceAddress);
    }
    if (settings.tls()) {
      o.setSsl(true);
      if (settings.tlsInsecure()) {
        o.setTrustAll(true);
        o.setHostnameVerificationAlgorithm("");
      } else if (settings.trustStore() != null) {
        String path = settings.trustStore().toString();
        if (path.endsWith(".jks")) {
          o.setTrustOptions(new JksOptions().setPath(path).setPassword(settings.trustStorePassword()));
        } else if (path.endsWith(".p12") || path.endsWith(".pfx")) {
          o.setTrustOptions(new PfxOptions().setPath(path).setPassword(settings.trustStorePassword()));
        } else {
          o.setTrustOptions(new PemTrustOptions().addCertPath(path));
        }
      }
    }
    this.client = MqttClient.create(vertx, o);
    client.publishHandler(m -> messageHandler.handle(m.topicName(), m.payload(), m.qosLevel().value()));
    client.publishCompletionHandler(this::acked);
    client.closeHandler(v -> closed());
  }

  @Override
  public String clientId() {
    return clientId;
  }

  @Override
  public Future<Void> connect() {
    Promise<Void> result = Promise.promise();
    context.runOnContext(v -> {
      long timer = vertx.setTimer(settings.connectTimeoutSeconds() * 1000L, t -> {
        if (result.tryFail(new TimeoutException("no CONNACK within " + settings.connectTimeoutSeconds() + " s"))) {
          client.disconnect();
        }
      });
      client.connect(settings.port(), settings.host()).onComplete(ar -> {
        vertx.cancelTimer(timer);
        if (ar.succeeded()) {
          connected = true;
          if (!result.tryComplete()) {
            client.disconnect();
          }
        } else {
          result.tryFail(ar.cause());
        }
      });
    });
    return result.future();
  }

  @Override
  public Future<Void> subscribe(Map<String, Integer> filters) {
    Promise<Void> result = Promise.promise();
    context.runOnContext(v -> {
      // One subscribe per link is outstanding at a time; the SUBACK may beat the id.
      int[] expectedId = {-1};
      client.subscribeCompletionHandler(ack -> {
        if (expectedId[0] != -1 && ack.messageId() != expectedId[0]) {
          return;
        }
        if (ack.grantedQoSLevels().stream().anyMatch(q -> q == MqttQoS.FAILURE.value())) {
          result.tryFail("subscription refused: " + filters.keySet());
        } else {
          result.tryComplete();
        }
      });
      client.subscribe(filters).onSuccess(id -> expectedId[0] = id).onFailure(result::tryFail);
    });
    return result.future();
  }

  @Override
  public Future<Void> publish(String topic, Buffer payload, int qos, boolean retain) {
    if (!connected) {
      return Future.failedFuture("not connected");
    }
    Future<Integer> written = client.publish(topic, payload, MqttQoS.valueOf(qos), false, retain);
    if (qos == 0) {
      return written.mapEmpty();
    }
    Promise<Void> acked = Promise.promise();
    written.onComplete(ar -> {
      if (ar.failed()) {
        acked.tryFail(ar.cause());
      } else if (earlyAcks.remove(ar.result())) {
        acked.tryComplete();
      } else {
        awaitingAck.put(ar.result(), acked);
      }
    });
    return acked.future();
  }

  private void acked(int packetId) {
    Promise<Void> p = awaitingAck.remove(packetId);
    if (p != null) {
      p.tryComplete();
    } else {
      earlyAcks.add(packetId);
    }
  }

  private void closed() {
    boolean was = connected;
    connected = false;
    awaitingAck.values().forEach(p -> p.tryFail("connection closed"));
    awaitingAck.clear();
    if (was) {
      closeHandler.run();
    }
  }

  @Override
  public void messageHandler(MessageHandler handler) {
    this.messageHandler = handler;
  }

  @Override
  public void closeHandler(Runnable handler) {
    this.closeHandler = handler;
  }

  @Override
  public boolean isConnected() {
    return connected;
  }

  @Override
  public Future<Void> disconnect() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      closeHandler = () -> { };
      client.disconnect().onComplete(ar -> done.tryComplete());
    });
    return done.future();
  }
}
