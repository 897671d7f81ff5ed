package io.shadowmq.shadow.device;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class PasswordHasherTest {

  @Test
  void theRightPasswordVerifiesAndAWrongOneDoesNot() {
    String stored = PasswordHasher.hash("correct horse", 1000);
    assertThat(PasswordHasher.verify("correct horse", stored)).isTrue();
    assertThat(PasswordHasher.verify("correct horsE", stored)).isFalse();
    assertThat(PasswordHasher.verify("", stored)).isFalse();
  }

  @Test
  void hashNamesSchemeAndIterationsAndSaltsEachHashDifferently() {
    String a = PasswordHasher.hash("same", PasswordHasher.CHOSEN_PASSWORD_ITERATIONS);
    String b = PasswordHasher.hash("same", 1000);
    assertThat(a).startsWith("pbkdf2-sha256$600000$").doesNotContain("same");
    assertThat(b).startsWith("pbkdf2-sha256$1000$");
    assertThat(a.split("\\$")[2]).isNotEqualTo(b.split("\\$")[2]);
    assertThat(PasswordHasher.verify("same", a)).isTrue();
  }

  @Test
  void aHashOfAnotherSchemeNeverVerifies() {
    assertThat(PasswordHasher.verify("x", "plain$x")).isFalse();
    assertThat(PasswordHasher.verify("x", "bcrypt$10$abc$def")).isFalse();
  }

  @Test
  void generatedPasswordsAreLongAndDistinct() {
    String p = PasswordHasher.generatePassword();
    assertThat(p).hasSize(32).matches("[A-Za-z0-9_-]+");
    assertThat(PasswordHasher.generatePassword()).isNotEqualTo(p);
  }
}
