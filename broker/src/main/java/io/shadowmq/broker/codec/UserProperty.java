package io.shadowmq.broker.codec;

/** An MQTT 5 user property: a name and a value, both UTF-8 strings; names may repeat. */
public record UserProperty(String name, String value) {
}
