package io.imagelib.deploy.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away PKI made with the JDK's keytool, the way an operator would: a CA, a broker key pair signed by it
 * (SAN 127.0.0.1 and localhost, so hostname verification stays on), a client key pair signed by it, and a truststore
 * holding only the CA. All stores are PKCS12; each has its own random password.
 */
record TestCertificates(Path dir, Path brokerKeystore, Path clientKeystore, Path truststore,
                        String brokerPassword, String clientPassword, String truststorePassword) {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String SAN = "SAN=ip:127.0.0.1,dns:localhost";

    static TestCertificates create(Path dir) {
        String caPassword = secret();
        TestCertificates certs = new TestCertificates(dir, dir.resolve("broker.p12"), dir.resolve("client.p12"),
                dir.resolve("truststore.p12"), secret(), secret(), secret());
        Path ca = dir.resolve("ca.p12");
        keytool("-genkeypair", "-alias", "ca", "-dname", "CN=imagelib-test-ca", "-ext", "bc:c", "-keyalg", "EC",
                "-groupname", "secp256r1", "-validity", "2", "-keystore", ca.toString(), "-storepass", caPassword);
        keytool("-exportcert", "-rfc", "-alias", "ca", "-file", dir.resolve("ca.pem").toString(),
                "-keystore", ca.toString(), "-storepass", caPassword);
        // keytool is a JVM start per step: the truststore and the two chains only read the CA, so they are made
        // side by side.
        var truststore = CompletableFuture.runAsync(() -> keytool("-importcert", "-noprompt", "-alias", "ca",
                "-file", dir.resolve("ca.pem").toString(), "-keystore", certs.truststore().toString(),
                "-storepass", certs.truststorePassword()));
        var client = CompletableFuture.runAsync(() -> certs.signed(ca, caPassword, "client", "CN=role-service",
                certs.clientKeystore(), certs.clientPassword()));
        certs.signed(ca, caPassword, "broker", "CN=localhost", certs.brokerKeystore(), certs.brokerPassword());
        CompletableFuture.allOf(truststore, client).join();
        return certs;
    }

    /** Key pair in {@code keystore}, its certificate request signed by the CA, the chain imported back. */
    private void signed(Path ca, String caPassword, String alias, String dname, Path keystore, String password) {
        Path csr = dir.resolve(alias + ".csr");
        Path pem = dir.resolve(alias + ".pem");
        keytool("-genkeypair", "-alias", alias, "-dname", dname, "-ext", SAN, "-keyalg", "EC", "-groupname", "secp256r1",
                "-validity", "2", "-keystore", keystore.toString(), "-storepass", password);
        keytool("-certreq", "-alias", alias, "-file", csr.toString(), "-keystore", keystore.toString(), "-storepass", password);
        keytool("-gencert", "-rfc", "-alias", "ca", "-infile", csr.toString(), "-outfile", pem.toString(), "-ext", SAN,
                "-validity", "2", "-keystore", ca.toString(), "-storepass", caPassword);
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", dir.resolve("ca.pem").toString(),
                "-keystore", keystore.toString(), "-storepass", password);
        keytool("-importcert", "-alias", alias, "-file", pem.toString(), "-keystore", keystore.toString(), "-storepass", password);
    }

    private static void keytool(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-J-XX:TieredStopAtLevel=1", args[0], "-storetype", "PKCS12"));
        command.addAll(List.of(args).subList(1, args.length));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool " + args[0] + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run keytool", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running keytool", e);
        }
    }

    private static byte[] bytes() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static String secret() {
        return "pw-" + HexFormat.of().formatHex(bytes());
    }
}
