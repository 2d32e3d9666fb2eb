package io.imagelib.deploy.local;

import java.nio.file.Path;
import java.util.Map;

/**
 * Client listeners with TLS on a single local node, beside its PLAINTEXT listener (which the launcher's readiness
 * check, inter-broker and controller traffic keep using):
 * <ul>
 *   <li>{@code MTLS} (security protocol SSL, {@code ssl.client.auth=required}): clients prove who they are with a
 *       certificate signed by a CA in the broker's truststore;</li>
 *   <li>{@code SASL_SSL} (SCRAM-SHA-512 over TLS): clients verify the broker's certificate and log in with a SCRAM
 *       user, created through the Admin API (credentials live in the KRaft metadata).</li>
 * </ul>
 * Stores are PKCS12 files (keytool's default), one password each. Passwords go into server.properties, which the
 * broker reads as PASSWORD-typed configs: its startup log prints them as {@code [hidden]}.
 */
public record SecureListeners(int mtlsPort, int saslSslPort, Path keystore, String keystorePassword,
                              Path truststore, String truststorePassword) {

    public static final String SCRAM_MECHANISM = "SCRAM-SHA-512";

    public String mtlsBootstrap() {
        return "127.0.0.1:" + mtlsPort;
    }

    public String saslSslBootstrap() {
        return "127.0.0.1:" + saslSslPort;
    }

    /** Adds the two listeners and their TLS and SASL settings to a node's server.properties. */
    void applyTo(Map<String, String> server) {
        String extra = ",MTLS://" + mtlsBootstrap() + ",SASL_SSL://" + saslSslBootstrap();
        server.merge("listeners", extra, String::concat);
        server.merge("advertised.listeners", extra, String::concat);
        server.merge("listener.security.protocol.map", ",MTLS:SSL,SASL_SSL:SASL_SSL", String::concat);
        for (String listener : new String[] {"mtls", "sasl_ssl"}) {
            String prefix = "listener.name." + listener + ".";
            server.put(prefix + "ssl.keystore.type", "PKCS12");
            server.put(prefix + "ssl.keystore.location", keystore.toAbsolutePath().toString());
            server.put(prefix + "ssl.keystore.password", keystorePassword);
            server.put(prefix + "ssl.truststore.type", "PKCS12");
            server.put(prefix + "ssl.truststore.location", truststore.toAbsolutePath().toString());
            server.put(prefix + "ssl.truststore.password", truststorePassword);
        }
        server.put("listener.name.mtls.ssl.client.auth", "required");
        server.put("sasl.enabled.mechanisms", SCRAM_MECHANISM);
        server.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
    }
}
