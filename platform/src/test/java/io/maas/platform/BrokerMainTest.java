package io.maas.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class BrokerMainTest {

  private static final String VOTERS = "1@127.0.0.1:9093,2@127.0.0.1:9193,3@127.0.0.1:9293";
  private static final String CLUSTER_ID = "MkU3OEVBNTcwNTJENDM2Qg";

  @Test
  void parsesListenAddressControllerPortAndDataDirectory() {
    BrokerMain.Options options =
        BrokerMain.Options.parse(
            new String[] {
              "--listen", "0.0.0.0:19092", "--controller-port", "19093", "--data", "/tmp/k"
            });

    assertThat(options)
        .isEqualTo(new BrokerMain.Options("0.0.0.0", 19092, 19093, Path.of("/tmp/k"), null));
  }

  @Test
  void aSingleNodeKeepsItsDefaults() {
    BrokerMain.Options options = BrokerMain.Options.parse(new String[0]);

    assertThat(options.port()).isEqualTo(9092);
    assertThat(options.controllerPort()).isEqualTo(9093);
    assertThat(options.cluster()).isNull();
  }

  @Test
  void aClusterNodeTakesItsControllerPortFromItsVoterEntry() {
    BrokerMain.Options options =
        BrokerMain.Options.parse(
            new String[] {
              "--node-id",
              "2",
              "--voters",
              VOTERS,
              "--cluster-id",
              CLUSTER_ID,
              "--listen",
              "127.0.0.1:9192",
              "--data",
              "/tmp/k2"
            });

    assertThat(options.port()).isEqualTo(9192);
    assertThat(options.controllerPort()).isEqualTo(9193);
    assertThat(options.cluster().nodeId()).isEqualTo(2);
    assertThat(options.cluster().votersConfig()).isEqualTo(VOTERS);
    assertThat(options.cluster().clusterId()).isEqualTo(CLUSTER_ID);
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

  @Test
  void clusterArgumentsGoTogetherAndAgree() {
    assertThatThrownBy(
            () -> BrokerMain.Options.parse(new String[] {"--node-id", "1", "--voters", VOTERS}))
        .hasMessageStartingWith("--node-id, --voters and --cluster-id go together");
    assertThatThrownBy(
            () ->
                BrokerMain.Options.parse(
                    new String[] {
                      "--node-id",
                      "1",
                      "--voters",
                      VOTERS,
                      "--cluster-id",
                      CLUSTER_ID,
                      "--controller-port",
                      "9999"
                    }))
        .hasMessageContaining("disagrees with node 1's entry in --voters (1@127.0.0.1:9093)");
    assertThatThrownBy(
            () ->
                BrokerMain.Options.parse(
                    new String[] {
                      "--node-id",
                      "1",
                      "--voters",
                      VOTERS,
                      "--cluster-id",
                      CLUSTER_ID,
                      "--listen",
                      "127.0.0.1:9093"
                    }))
        .hasMessageContaining("is node 1's controller address");
    assertThatThrownBy(
            () ->
                BrokerMain.Options.parse(
                    new String[] {
                      "--node-id", "4", "--voters", VOTERS, "--cluster-id", CLUSTER_ID
                    }))
        .hasMessageStartingWith("node id 4 is not one of the voters");
    assertThatThrownBy(
            () ->
                BrokerMain.Options.parse(
                    new String[] {
                      "--node-id",
                      "1",
                      "--voters",
                      "1@127.0.0.1:9093,2@127.0.0.1:9193",
                      "--cluster-id",
                      CLUSTER_ID
                    }))
        .hasMessageStartingWith("a cluster needs at least 3 voters");
    assertThatThrownBy(
            () ->
                BrokerMain.Options.parse(
                    new String[] {
                      "--node-id",
                      "1",
                      "--voters",
                      "1@127.0.0.1:9093,2@127.0.0.1,3@127.0.0.1:9293",
                      "--cluster-id",
                      CLUSTER_ID
                    }))
        .hasMessage("a voter must read id@host:port, got '2@127.0.0.1'");
    assertThatThrownBy(
            () ->
                BrokerMain.Options.parse(
                    new String[] {
                      "--node-id", "1", "--voters", VOTERS, "--cluster-id", "my-cluster"
                    }))
        .hasMessageStartingWith("the cluster id must be 16 bytes in URL-safe base64");
  }

  @Test
  void aNewClusterIdIsOneKafkaAccepts() {
    String id = ClusterMember.newClusterId();

    assertThat(id).hasSize(22);
    assertThat(ClusterMember.parse(1, VOTERS, id).clusterId()).isEqualTo(id);
  }

  @Test
  void clusterNodesReplicateWhereOneNodeCannot() {
    ClusterMember member = ClusterMember.parse(3, VOTERS, CLUSTER_ID);
    Properties node = BrokerProperties.clusterNode(Path.of("/tmp/k3"), "127.0.0.1", 9292, member);

    assertThat(node)
        .containsEntry("node.id", "3")
        .containsEntry("controller.quorum.voters", VOTERS)
        .containsEntry("listeners", "PLAINTEXT://127.0.0.1:9292,CONTROLLER://127.0.0.1:9293")
        .containsEntry("default.replication.factor", "3")
        .containsEntry("min.insync.replicas", "2")
        .containsEntry("offsets.topic.replication.factor", "3")
        .containsEntry("transaction.state.log.replication.factor", "3")
        .containsEntry("transaction.state.log.min.isr", "2")
        .doesNotContainKey("controller.quorum.bootstrap.servers");
    assertThat(BrokerProperties.singleNode(Path.of("/tmp/k"), "127.0.0.1", 9092, 9093))
        .containsEntry("node.id", "1")
        .containsEntry("controller.quorum.bootstrap.servers", "127.0.0.1:9093")
        .containsEntry("default.replication.factor", "1")
        .containsEntry("min.insync.replicas", "1");
  }
}
