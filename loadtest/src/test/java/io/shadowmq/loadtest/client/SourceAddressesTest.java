package io.shadowmq.loadtest.client;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(10)
class SourceAddressesTest {

  @Test
  void aRangeIsExpandedAndUsedRoundRobin() {
    SourceAddresses a = SourceAddresses.parse("127.0.0.2-127.0.0.20");
    assertThat(a.size()).isEqualTo(19);
    assertThat(a.forConnection(0)).isEqualTo("127.0.0.2");
    assertThat(a.forConnection(18)).isEqualTo("127.0.0.20");
    assertThat(a.forConnection(19)).isEqualTo("127.0.0.2");
  }

  @Test
  void rangesMayCrossAnOctet() {
    SourceAddresses a = SourceAddresses.parse("127.0.0.255-127.0.1.1, 127.0.0.9");
    assertThat(a.size()).isEqualTo(4);
    assertThat(a.forConnection(1)).isEqualTo("127.0.1.0");
    assertThat(a.forConnection(3)).isEqualTo("127.0.0.9");
  }

  @Test
  void noneMeansTheSystemChooses() {
    assertThat(SourceAddresses.parse(null).forConnection(5)).isNull();
  }

  @Test
  void nonsenseIsRefused() {
    assertThatThrownBy(() -> SourceAddresses.parse("127.0.0.9-127.0.0.1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SourceAddresses.parse("localhost")).isInstanceOf(IllegalArgumentException.class);
  }
}
