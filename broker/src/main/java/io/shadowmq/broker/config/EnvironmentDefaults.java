package io.shadowmq.broker.config;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.Map;

/**
 * Gives every option the value of its environment variable twin when the flag is absent:
 * {@code --max-packet-size} reads {@code SHADOWMQ_MAX_PACKET_SIZE}.
 */
public final class EnvironmentDefaults implements CommandLine.IDefaultValueProvider {
  private final Map<String, String> env;

  public EnvironmentDefaults(Map<String, String> env) {
    this.env = env;
  }

  /** The environment variable of an option: SHADOWMQ_ and its long name in upper snake case. */
  public static String variableOf(String longName) {
    return "SHADOWMQ_" + longName.replaceFirst("^--", "").replace('-', '_').toUpperCase(java.util.Locale.ROOT);
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (arg instanceof OptionSpec option && option.longestName().startsWith("--")) {
      return env.get(variableOf(option.longestName()));
    }
    return null;
  }
}
