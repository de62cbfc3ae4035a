import java.net.URI;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.table.gateway.SqlGateway;
import org.apache.flink.table.gateway.service.context.DefaultContext;
import org.apache.flink.table.gateway.service.session.SessionManager;

/**
 * A Flink cluster and a SQL Gateway against it, in one JVM, for Flowbook's tests (flink-dist is not on Maven Central,
 * so there is no bin/start-cluster.sh): a MiniCluster with its REST endpoint on a free port, then the gateway's REST
 * endpoint (API v1-v4) on the port given as the first argument. The gateway submits jobs to the MiniCluster through
 * its REST endpoint ('remote' target), as it would to a standalone session cluster.
 * Prints "FLINK_REST=<uri>" and "SQL_GATEWAY=<uri>" on stdout when both answer, then runs until killed.
 * Usage: java -cp 'jars/*:.' FlinkGateway <gatewayPort> [slots]
 */
public final class FlinkGateway {
  public static void main(String[] args) throws Exception {
    int gatewayPort = Integer.parseInt(args[0]);
    int slots = args.length > 1 ? Integer.parseInt(args[1]) : 4;

    Configuration cluster = new Configuration();
    cluster.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
    cluster.set(RestOptions.ADDRESS, "127.0.0.1");
    cluster.set(RestOptions.BIND_PORT, "0");
    cluster.setString("taskmanager.memory.network.min", "32m");
    cluster.setString("taskmanager.memory.network.max", "32m");
    cluster.setString("taskmanager.memory.managed.size", "64m");
    MiniCluster mini = new MiniCluster(new MiniClusterConfiguration.Builder()
        .setConfiguration(cluster)
        .setNumTaskManagers(1)
        .setNumSlotsPerTaskManager(slots)
        .withRandomPorts()
        .build());
    mini.start();
    URI rest = mini.getRestAddress().get();
    System.out.println("FLINK_REST=" + rest);

    Configuration gw = new Configuration();
    gw.set(DeploymentOptions.TARGET, "remote");
    gw.set(RestOptions.ADDRESS, rest.getHost());
    gw.set(RestOptions.PORT, rest.getPort());
    gw.setString("sql-gateway.endpoint.type", "rest");
    gw.setString("sql-gateway.endpoint.rest.address", "127.0.0.1");
    gw.setString("sql-gateway.endpoint.rest.bind-address", "127.0.0.1");
    gw.setString("sql-gateway.endpoint.rest.port", Integer.toString(gatewayPort));
    SqlGateway gateway = new SqlGateway(gw, SessionManager.create(new DefaultContext(gw, java.util.Collections.emptyList())));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      gateway.stop();
      try {
        mini.close();
      } catch (Exception ignored) {
        // exiting anyway
      }
    }));
    gateway.start();
    System.out.println("SQL_GATEWAY=http://127.0.0.1:" + gatewayPort);
    System.out.flush();
    Thread.currentThread().join();
  }
}
