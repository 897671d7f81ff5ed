package io.shadowmq.shadow;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.shadowmq.shadow.boundaryfixture.ClassThatReachesIntoNetty;
import io.shadowmq.shadow.boundaryfixture.ClassThatStaysInTheCore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The core stays free of transports and HTTP (DESIGN.md section 1): no Netty, no vertx-mqtt, no
 * vertx-web. The rule runs on the module's production classes, and on two test fixtures that show
 * it flags a violation and passes clean code.
 */
@Timeout(30)
class ModuleBoundaryTest {
  static final ArchRule CORE_IMPORTS_NO_TRANSPORT_OR_WEB = noClasses()
      .that().resideInAPackage("io.shadowmq.shadow..")
      .should().dependOnClassesThat().resideInAnyPackage("io.netty..", "io.vertx.mqtt..", "io.vertx.ext.web..")
      .because("the core is reached through its ports; MQTT and HTTP are adapters around it");

  @Test
  void coreImportsNoNettyVertxMqttOrVertxWeb() {
    JavaClasses production = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.shadowmq.shadow");
    assertThat(production).as("the rule has classes to check").isNotEmpty();
    CORE_IMPORTS_NO_TRANSPORT_OR_WEB.check(production);
  }

  @Test
  void ruleFindsAClassThatUsesNetty() {
    JavaClasses fixture = new ClassFileImporter().importClasses(ClassThatReachesIntoNetty.class);
    assertThat(CORE_IMPORTS_NO_TRANSPORT_OR_WEB.evaluate(fixture).hasViolation()).isTrue();
  }

  @Test
  void rulePassesAClassThatUsesOnlyVertxCore() {
    JavaClasses fixture = new ClassFileImporter().importClasses(ClassThatStaysInTheCore.class);
    assertThat(CORE_IMPORTS_NO_TRANSPORT_OR_WEB.evaluate(fixture).hasViolation()).isFalse();
  }
}
