package io.imagelib.endpoint.config;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the endpoint-service.
 *
 * @param streams        the election's Kafka Streams application
 * @param commandTimeout how long {@code PATCH /v1/endpoints/{id}} waits for the election's answer before a 504
 */
@ConfigurationProperties("imagelib.endpoint")
public record EndpointServiceProperties(
        @DefaultValue Streams streams,
        @DefaultValue("5s") Duration commandTimeout) {

    /**
     * @param applicationId     Streams application id (consumer group, prefix of internal topics)
     * @param stateDir          where RocksDB stores live; keep it on a persistent volume to avoid changelog restores
     *                          (default in application.yml: one directory per instance id and port)
     * @param replicationFactor of the internal topics (changelogs, repartition): 3 in production, 1 on a single broker
     *                          (default in application.yml: 1)
     * @param standbyReplicas   warm copies of the stores on other instances, for fast task failover
     * @param commitInterval    how often the EOS transaction commits; a published change is visible to read_committed
     *                          subscribers only after the commit, so this bounds failover latency (EOS default 100 ms)
     * @param fetchMaxWait      longest a fetch waits at the broker for data; low so a transaction marker is seen soon
     */
    public record Streams(
            @DefaultValue("endpoint-service") String applicationId,
            Path stateDir,
            int replicationFactor,
            @DefaultValue("0") int standbyReplicas,
            @DefaultValue("10ms") Duration commitInterval,
            @DefaultValue("10ms") Duration fetchMaxWait) {
    }
}
