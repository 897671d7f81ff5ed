package io.shadowmq.broker.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.shadowmq.broker.routing.boundaryfixture.RouteThatTouchesAChannel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sessions and routing never see the transport (DESIGN.md section 3): no Netty channels or
 * handlers, no vertx-mqtt, none of our transport or protocol classes. They reach a connection only
 * through {@code ClientLink}, so the transport can be replaced without touching them. Netty's
 * FastThreadLocal (io.netty.util.concurrent), used by the router for per-loop scratch state, is
 * not a transport type and stays allowed.
 */
@Timeout(60)
class TransportBoundaryTest {
  static final ArchRule SESSIONS_AND_ROUTING_SEE_NO_TRANSPORT = noClasses()
      .that().resideInAnyPackage("io.shadowmq.broker.session..", "io.shadowmq.broker.routing..")
      .should().dependOnClassesThat().resideInAnyPackage("io.netty.channel..", "io.netty.handler..", "io.vertx.mqtt..",
          "io.shadowmq.broker.transport..", "io.shadowmq.broker.mqtt..")
      .because("the MQTT transport sits behind its own boundary");

  private static JavaClasses production;

  @BeforeAll
  static void importProductionClasses() {
    production = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.shadowmq.broker");
  }

  @Test
  void sessionsAndRoutingDependOnNoTransportType() {
    assertThat(production.that(com.tngtech.archunit.core.domain.JavaClass.Predicates
        .resideInAnyPackage("io.shadowmq.broker.session..", "io.shadowmq.broker.routing..")))
        .as("the rule has classes to check").isNotEmpty();
    SESSIONS_AND_ROUTING_SEE_NO_TRANSPORT.check(production);
  }

  @Test
  void ruleFindsARoutingClassThatTouchesANettyChannel() {
    JavaClasses fixture = new ClassFileImporter().importClasses(RouteThatTouchesAChannel.class);
    assertThat(SESSIONS_AND_ROUTING_SEE_NO_TRANSPORT.evaluate(fixture).hasViolation()).isTrue();
  }
}
