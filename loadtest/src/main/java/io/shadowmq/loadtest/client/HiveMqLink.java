package io.shadowmq.loadtest.client;

import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttClientTransportConfig;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5ConnectBuilder;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscribe;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscription;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** An MQTT 5 link on the HiveMQ client; its callbacks are moved onto the link's Vert.x context. */
final class HiveMqLink implements MqttLink {
  private final Context context;
  private final String clientId;
  private final boolean persistent;
  private final LinkSettings settings;
  private final Mqtt5AsyncClient client;
  private volatile MessageHandler messageHandler = (t, p, q) -> { };
  private volatile Runnable closeHandler = () -> { };
  private volatile boolean connected;

  HiveMqLink(Vertx vertx, Context context, LinkSettings settings, String clientId, boolean persistent,
             String sourceAddress) {
    this.context = context;
    this.clientId = clientId;
    this.persistent = persistent;
    this.settings = settings;
    var transport = MqttClientTransportConfig.builder()
        .serverHost(settings.host())
        .serverPort(settings.port())
        .socketConnectTimeout(settings.connectTimeoutSeconds(), TimeUnit.SECONDS)
        .mqttConnectTimeout(settings.connectTimeoutSeconds(), TimeUnit.SECONDS);
    if (sourceAddress != null) {
      transport = transport.localAddress(sourceAddress);
    }
    Mqtt5ClientBuilder b = Mqtt5Client.builder().identifier(clientId);
    if (settings.tls()) {
      transport = transport.sslConfig(sslConfig(settings));
    }
    b = b.transportConfig(transport.build());
    if (settings.username() != null) {
      b = b.simpleAuth().username(settings.username())
          .password(settings.password() == null ? new byte[0] : settings.password().getBytes(StandardCharsets.UTF_8))
          .applySimpleAuth();
    }
    b = b.addDisconnectedListener(ctx -> context.runOnContext(v -> closed()));
    this.client = b.buildAsync();
    client.publishes(MqttGlobalPublishFilter.ALL, p -> {
      Buffer payload = Buffer.buffer(p.getPayloadAsBytes());
      String topic = p.getTopic().toString();
      int qos = p.getQos().getCode();
      context.runOnContext(v -> messageHandler.handle(topic, payload, qos));
    });
  }

  private static MqttClientSslConfig sslConfig(LinkSettings s) {
    try {
      TrustManagerFactory tmf;
      if (s.tlsInsecure()) {
        tmf = InsecureTrustManagerFactory.INSTANCE;
      } else if (s.trustStore() != null) {
        KeyStore ks;
        String path = s.trustStore().toString();
        if (path.endsWith(".jks") || path.endsWith(".p12") || path.endsWith(".pfx")) {
          ks = KeyStore.getInstance(path.endsWith(".jks") ? "JKS" : "PKCS12");
          try (InputStream in = Files.newInputStream(s.trustStore())) {
            ks.load(in, s.trustStorePassword() == null ? null : s.trustStorePassword().toCharArray());
          }
        } else {
          ks = KeyStore.getInstance(KeyStore.getDefaultType());
          ks.load(null, null);
          try (InputStream in = Files.newInputStream(s.trustStore())) {
            int i = 0;
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
              ks.setCertificateEntry("ca" + i++, (X509Certificate) c);
            }
          }
        }
        tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
      } else {
        return MqttClientSslConfig.builder().build();
      }
      var builder = MqttClientSslConfig.builder().trustManagerFactory(tmf);
      if (s.tlsInsecure()) {
        builder = builder.hostnameVerifier((host, session) -> true);
      }
      return builder.build();
    } catch (Exception e) {
      throw new IllegalArgumentException("cannot read trust store " + s.trustStore() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String clientId() {
    return clientId;
  }

  @Override
  public Future<Void> connect() {
    Mqtt5ConnectBuilder.Send<CompletableFuture<com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck>> c =
        client.connectWith()
            .cleanStart(!persistent)
            .sessionExpiryInterval(persistent ? settings.sessionExpirySeconds() : 0)
            .keepAlive(settings.keepAliveSeconds());
    return onContext(c.send()).map(ack -> {
      connected = true;
      return null;
    });
  }

  @Override
  public Future<Void> subscribe(Map<String, Integer> filters) {
    List<Mqtt5Subscription> subs = new ArrayList<>();
    filters.forEach((f, q) -> subs.add(Mqtt5Subscription.builder().topicFilter(f).qos(MqttQos.fromCode(q)).build()));
    Mqtt5Subscribe sub = Mqtt5Subscribe.builder().addSubscriptions(subs).build();
    return onContext(client.subscribe(sub)).compose(ack -> {
      boolean refused = ack.getReasonCodes().stream().anyMatch(rc -> rc.isError());
      return refused ? Future.failedFuture("subscription refused: " + ack.getReasonCodes())
          : Future.<Void>succeededFuture();
    });
  }

  @Override
  public Future<Void> publish(String topic, Buffer payload, int qos, boolean retain) {
    if (!connected) {
      return Future.failedFuture("not connected");
    }
    return onContext(client.publishWith().topic(topic).qos(MqttQos.fromCode(qos)).retain(retain)
        .payload(payload.getBytes()).send())
        .compose(r -> r.getError().isPresent() ? Future.<Void>failedFuture(r.getError().get())
            : Future.<Void>succeededFuture());
  }

  private <T> Future<T> onContext(CompletableFuture<T> cf) {
    Promise<T> p = Promise.promise();
    cf.whenComplete((v, err) -> context.runOnContext(x -> {
      if (err != null) {
        p.fail(err);
      } else {
        p.complete(v);
      }
    }));
    return p.future();
  }

  private void closed() {
    boolean was = connected;
    connected = false;
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
    closeHandler = () -> { };
    if (!connected) {
      return Future.succeededFuture();
    }
    connected = false;
    return onContext(client.disconnect()).otherwiseEmpty();
  }
}
