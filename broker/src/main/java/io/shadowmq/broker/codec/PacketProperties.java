package io.shadowmq.broker.codec;

import java.util.ArrayList;
import java.util.List;

/**
 * The MQTT 5 properties of one packet. Absent numbers are -1, absent strings and binaries null.
 * Which properties a packet may carry is checked by {@link MqttDecoder} when it reads them.
 */
public final class PacketProperties {
  public static final int PAYLOAD_FORMAT_INDICATOR = 0x01;
  public static final int MESSAGE_EXPIRY_INTERVAL = 0x02;
  public static final int CONTENT_TYPE = 0x03;
  public static final int RESPONSE_TOPIC = 0x08;
  public static final int CORRELATION_DATA = 0x09;
  public static final int SUBSCRIPTION_IDENTIFIER = 0x0B;
  public static final int SESSION_EXPIRY_INTERVAL = 0x11;
  public static final int ASSIGNED_CLIENT_IDENTIFIER = 0x12;
  public static final int SERVER_KEEP_ALIVE = 0x13;
  public static final int AUTHENTICATION_METHOD = 0x15;
  public static final int AUTHENTICATION_DATA = 0x16;
  public static final int REQUEST_PROBLEM_INFORMATION = 0x17;
  public static final int WILL_DELAY_INTERVAL = 0x18;
  public static final int REQUEST_RESPONSE_INFORMATION = 0x19;
  public static final int RESPONSE_INFORMATION = 0x1A;
  public static final int SERVER_REFERENCE = 0x1C;
  public static final int REASON_STRING = 0x1F;
  public static final int RECEIVE_MAXIMUM = 0x21;
  public static final int TOPIC_ALIAS_MAXIMUM = 0x22;
  public static final int TOPIC_ALIAS = 0x23;
  public static final int MAXIMUM_QOS = 0x24;
  public static final int RETAIN_AVAILABLE = 0x25;
  public static final int USER_PROPERTY = 0x26;
  public static final int MAXIMUM_PACKET_SIZE = 0x27;
  public static final int WILDCARD_SUBSCRIPTION_AVAILABLE = 0x28;
  public static final int SUBSCRIPTION_IDENTIFIER_AVAILABLE = 0x29;
  public static final int SHARED_SUBSCRIPTION_AVAILABLE = 0x2A;

  /** Shared empty instance for packets without properties; never modify it. */
  public static final PacketProperties NONE = new PacketProperties();

  public int payloadFormatIndicator = -1;
  public long messageExpiryInterval = -1;
  public String contentType;
  public String responseTopic;
  public byte[] correlationData;
  /** Subscription identifiers: one in SUBSCRIBE, any number in a PUBLISH sent to a client. */
  public int[] subscriptionIdentifiers;
  public long sessionExpiryInterval = -1;
  public String assignedClientIdentifier;
  public int serverKeepAlive = -1;
  public String authenticationMethod;
  public byte[] authenticationData;
  public int requestProblemInformation = -1;
  public long willDelayInterval = -1;
  public int requestResponseInformation = -1;
  public String responseInformation;
  public String serverReference;
  public String reasonString;
  public int receiveMaximum = -1;
  public int topicAliasMaximum = -1;
  public int topicAlias = -1;
  public int maximumQos = -1;
  public int retainAvailable = -1;
  public List<UserProperty> userProperties;
  public long maximumPacketSize = -1;
  public int wildcardSubscriptionAvailable = -1;
  public int subscriptionIdentifierAvailable = -1;
  public int sharedSubscriptionAvailable = -1;

  public PacketProperties addUserProperty(String name, String value) {
    if (userProperties == null) {
      userProperties = new ArrayList<>(2);
    }
    userProperties.add(new UserProperty(name, value));
    return this;
  }

  public PacketProperties reasonString(String reason) {
    this.reasonString = reason;
    return this;
  }
}
