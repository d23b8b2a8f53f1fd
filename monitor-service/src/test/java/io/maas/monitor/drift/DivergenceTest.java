package io.maas.monitor.drift;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DivergenceTest {

  @Test
  void theSameShapeIsNoShift() {
    long[] reference = {600, 300, 100};
    assertThat(Divergence.psi(reference, new long[] {60, 30, 10})).isLessThan(0.01);
    assertThat(Divergence.jensenShannon(reference, new long[] {60, 30, 10})).isLessThan(0.05);
  }

  @Test
  void aFloodOfOneClassIsAShiftBothWays() {
    long[] reference = {600, 400};
    long[] flood = {20, 980};
    assertThat(Divergence.psi(reference, flood)).isGreaterThan(0.2);
    assertThat(Divergence.psi(flood, reference)).isGreaterThan(0.2);
    assertThat(Divergence.jensenShannon(reference, flood))
        .isGreaterThan(0.1)
        .isLessThanOrEqualTo(1.0);
  }

  @Test
  void emptyBinsStayFinite() {
    assertThat(Divergence.psi(new long[] {100, 0}, new long[] {0, 100}))
        .isFinite()
        .isGreaterThan(2);
    assertThat(Divergence.jensenShannon(new long[] {100, 0}, new long[] {0, 100}))
        .isGreaterThan(0.9);
  }
}
