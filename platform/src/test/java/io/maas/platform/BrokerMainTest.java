package io.maas.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BrokerMainTest {

  @Test
  void parsesListenAddressControllerPortAndDataDirectory() {
    BrokerMain.Options options = BrokerMain.Options.parse(
        new String[] {"--listen", "0.0.0.0:19092", "--controller-port", "19093", "--data", "/tmp/k"});

    assertThat(options).isEqualTo(new BrokerMain.Options("0.0.0.0", 19092, 19093, Path.of("/tmp/k")));
  }

  @Test
  void badArgumentsSayWhatIsExpected() {
    assertThatThrownBy(() -> BrokerMain.Options.parse(new String[] {"--listen", "nowhere"}))
        .hasMessage("--listen must be host:port, got nowhere");
    assertThatThrownBy(() -> BrokerMain.Options.parse(new String[] {"--controller-port", "x"}))
        .hasMessage("--controller-port must name a TCP port between 1 and 65535, got x");
    assertThatThrownBy(() -> BrokerMain.Options.parse(new String[] {"--verbose"}))
        .hasMessageStartingWith("unknown argument --verbose");
  }
}
