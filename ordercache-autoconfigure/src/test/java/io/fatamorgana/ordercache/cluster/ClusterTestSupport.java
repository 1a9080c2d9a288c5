package io.fatamorgana.ordercache.cluster;

import io.fatamorgana.ordercache.test.RedisClusterProcesses;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A Redis Cluster of its own for each test class (skipped with the reason where none can be
 * started), and the application's connection to it. A subclass adds its key prefix and settings;
 * its own {@code @BeforeAll} methods run after the cluster started, its {@code @AfterAll} methods
 * before it stops.
 */
abstract class ClusterTestSupport {

	static RedisClusterProcesses cluster;

	@BeforeAll
	static void startCluster() {
		cluster = RedisClusterProcesses.startOrSkip();
	}

	@AfterAll
	static void stopCluster() {
		if (cluster != null) {
			cluster.close();
			cluster = null;
		}
	}

	@DynamicPropertySource
	static void clusterNodes(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.cluster.nodes", () -> cluster.nodesProperty());
	}

}
