package io.shadowmq.broker.cli;

import io.shadowmq.shadow.device.CertificateFingerprint;
import io.shadowmq.shadow.device.Device;
import io.shadowmq.shadow.device.DeviceStore;
import io.shadowmq.shadow.device.PasswordHasher;
import io.shadowmq.shadow.store.EmbeddedPostgresServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code shadowmq device ...}: provisions devices in the registry while the broker is stopped. */
@Command(name = "device", mixinStandardHelpOptions = true,
    description = "Manage the device registry (with the broker stopped, or on an external PostgreSQL).",
    subcommands = {DeviceCommand.Add.class, DeviceCommand.ListDevices.class, DeviceCommand.Disable.class,
        DeviceCommand.Enable.class, DeviceCommand.Remove.class})
public final class DeviceCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(),
        "name a subcommand: add, list, disable, enable or remove");
  }

  /** Shared by the subcommands: run against the registry, turn known failures into a message and exit 1. */
  abstract static class RegistryCommand implements Callable<Integer> {
    @Mixin
    RegistryConnection registry;

    @Spec
    CommandSpec spec;

    abstract int run(DeviceStore devices, PrintWriter out) throws Exception;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      try {
        int code = registry.with(storage -> run(storage.devices(), out));
        out.flush();
        return code;
      } catch (EmbeddedPostgresServer.DataDirectoryInUseException | IllegalArgumentException
               | DeviceStore.DeviceExistsException e) {
        spec.commandLine().getErr().println("error: " + e.getMessage());
        return 1;
      }
    }

    int noSuchDevice(String id) {
      spec.commandLine().getErr().println("error: no device " + id);
      return 1;
    }
  }

  @Command(name = "add", mixinStandardHelpOptions = true,
      description = {"Register a device. Without --password-stdin, --cert or --cert-fingerprint a password is "
          + "generated and shown once."})
  static final class Add extends RegistryCommand {
    @Parameters(paramLabel = "ID", description = "Device id: MQTT client id, user name and thing name.")
    String id;

    @Option(names = "--password-stdin", description = "Read the device's password from standard input.")
    boolean passwordStdin;

    @Option(names = "--tag", paramLabel = "NAME=VALUE", description = "A tag (repeatable).")
    Map<String, String> tags = new LinkedHashMap<>();

    @Option(names = "--cert", paramLabel = "PEM_FILE",
        description = "A client certificate the device may log in with (repeatable); its SHA-256 fingerprint is stored.")
    List<Path> certs = new ArrayList<>();

    @Option(names = "--cert-fingerprint", paramLabel = "SHA256",
        description = "A client certificate's SHA-256 fingerprint, hex, colons allowed (repeatable).")
    List<String> fingerprints = new ArrayList<>();

    InputStream stdin = System.in;

    @Override
    int run(DeviceStore devices, PrintWriter out) throws Exception {
      String problem = Device.idProblem(id);
      if (problem != null) {
        throw new IllegalArgumentException(problem + ": " + id);
      }
      for (Map.Entry<String, String> t : tags.entrySet()) {
        String tagProblem = Device.tagProblem(t.getKey(), t.getValue());
        if (tagProblem != null) {
          throw new IllegalArgumentException(tagProblem + ": " + t.getKey() + "=" + t.getValue());
        }
      }
      List<String> prints = new ArrayList<>();
      for (String f : fingerprints) {
        prints.add(CertificateFingerprint.normalise(f));
      }
      for (Path p : certs) {
        prints.add(CertificateFingerprint.of(readCertificate(p)));
      }
      String password = null;
      String hash = null;
      boolean generated = false;
      if (passwordStdin) {
        password = new String(stdin.readAllBytes(), StandardCharsets.UTF_8).strip();
        if (password.isEmpty()) {
          throw new IllegalArgumentException("--password-stdin: standard input held no password");
        }
        hash = PasswordHasher.hash(password, PasswordHasher.CHOSEN_PASSWORD_ITERATIONS);
      } else if (prints.isEmpty()) {
        password = PasswordHasher.generatePassword();
        hash = PasswordHasher.hash(password, PasswordHasher.GENERATED_PASSWORD_ITERATIONS);
        generated = true;
      }
      devices.add(Device.create(id, tags, hash, prints)).await(30, TimeUnit.SECONDS);
      out.println("device " + id + " added");
      if (generated) {
        out.println("password (shown only now): " + password);
      }
      return 0;
    }

    private static X509Certificate readCertificate(Path p) throws Exception {
      byte[] pem = Files.readAllBytes(p);
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(pem));
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the registered devices.")
  static final class ListDevices extends RegistryCommand {
    @Override
    int run(DeviceStore devices, PrintWriter out) throws Exception {
      List<Device> all = devices.list().await(30, TimeUnit.SECONDS);
      out.printf("%-32s %-8s %-22s %-20s %s%n", "ID", "ENABLED", "CREDENTIALS", "LAST SEEN", "TAGS");
      for (Device d : all) {
        String credentials = (d.passwordHash() != null ? "password" : "")
            + (d.passwordHash() != null && !d.certFingerprints().isEmpty() ? "+" : "")
            + (d.certFingerprints().isEmpty() ? "" : d.certFingerprints().size() + " certificate(s)");
        Instant seen = d.lastSeenAt();
        StringBuilder tags = new StringBuilder();
        d.tags().forEach((k, v) -> tags.append(tags.length() == 0 ? "" : ",").append(k).append('=').append(v));
        out.printf("%-32s %-8s %-22s %-20s %s%n", d.id(), d.enabled() ? "yes" : "no",
            credentials.isEmpty() ? "-" : credentials, seen == null ? "never" : seen.toString().substring(0, 19) + "Z",
            tags.length() == 0 ? "-" : tags);
      }
      return 0;
    }
  }

  /** Disable and enable: the same change, either way. */
  abstract static class SetEnabled extends RegistryCommand {
    @Parameters(paramLabel = "ID")
    String id;

    abstract boolean enabled();

    @Override
    int run(DeviceStore devices, PrintWriter out) throws Exception {
      if (!devices.setEnabled(id, enabled()).await(30, TimeUnit.SECONDS)) {
        return noSuchDevice(id);
      }
      out.println("device " + id + (enabled() ? " enabled" : " disabled"));
      return 0;
    }
  }

  @Command(name = "disable", mixinStandardHelpOptions = true, description = "Stop a device from connecting.")
  static final class Disable extends SetEnabled {
    @Override
    boolean enabled() {
      return false;
    }
  }

  @Command(name = "enable", mixinStandardHelpOptions = true, description = "Let a disabled device connect again.")
  static final class Enable extends SetEnabled {
    @Override
    boolean enabled() {
      return true;
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a device and its credentials.")
  static final class Remove extends RegistryCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    int run(DeviceStore devices, PrintWriter out) throws Exception {
      if (!devices.remove(id).await(30, TimeUnit.SECONDS)) {
        return noSuchDevice(id);
      }
      out.println("device " + id + " removed");
      return 0;
    }
  }
}
