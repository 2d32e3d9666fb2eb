package io.imagelib.role.bench;

import static io.imagelib.role.RoleRequests.block;
import static io.imagelib.role.RoleRequests.body;
import static io.imagelib.role.RoleRequests.rolePath;

import io.imagelib.role.RoleServiceApplication;
import io.imagelib.role.domain.HostAssignment;
import io.imagelib.role.domain.Role;
import io.imagelib.role.domain.Storage;
import io.imagelib.role.kafka.HostRoles;
import io.imagelib.role.service.RoleLog;
import io.imagelib.schemas.topics.Topics;
import io.imagelib.testing.KafkaTestBroker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Not a test (no assertion, not matched by surefire/failsafe patterns): measures what a role write costs, side by
 * side on one broker and one JVM: (a) send + acks=all, (b) (a) + waiting for the own reader to apply the offset
 * (read-your-writes, what the region lock covers), (c) a whole PUT over HTTP (auth, rules, (b), JSON).
 * Run: see docs/benchmarks/2026-11-25-role-service.md.
 */
class RoleWriteBench {

    static final int WARMUP = 50;
    static final int ROUNDS = 300;

    @RegisterExtension
    static KafkaTestBroker kafka = new KafkaTestBroker();

    @Test
    @SuppressWarnings("unchecked")
    void writeCosts() throws Exception {
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(RoleServiceApplication.class).run(
                "--server.port=0", "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--imagelib.kafka.schema-registry-url=" + KafkaTestBroker.REGISTRY_URL,
                "--imagelib.security.tokens[0].token=bench", "--imagelib.security.tokens[0].principal=bench",
                "--imagelib.security.tokens[0].roles[0]=admin", "--logging.level.root=WARN")) {
            var template = (KafkaTemplate<String, Object>) app.getBean("kafkaTemplate", KafkaTemplate.class);
            RoleLog roleLog = app.getBean(RoleLog.class);
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
            Thread.sleep(3000); // reader caught up (empty topic)

            Step ack = i -> template.send(Topics.HOST_ROLES_NAME, "ack-" + i, HostRoles.toAvro(assignment("ack-" + i, i))).get();
            Step readBack = i -> roleLog.write("rb-" + i, assignment("rb-" + i, i));
            Step put = i -> {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                                URI.create(base + rolePath("BENCH-PUT" + i, "put-" + i) + "?probe=false"))
                        .PUT(HttpRequest.BodyPublishers.ofString(body("http://10.0.0.5:9292", block("gold"))))
                        .header("Content-Type", "application/json").header("Authorization", "Bearer bench").build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 201) {
                    throw new IllegalStateException(r.body());
                }
            };
            double[][] millis = measureInterleaved(ack, readBack, put);
            System.out.printf("%nrole write cost, %d sequential writes each, ms (p50 / p95), ratio of p50 to (a)%n", ROUNDS);
            print("(a) send, acks=all", millis[0], millis[0]);
            print("(b) (a) + read-back of own offset", millis[1], millis[0]);
            print("(c) HTTP PUT (auth, rules, b, JSON)", millis[2], millis[0]);
        }
    }

    interface Step {
        void run(int i) throws Exception;
    }

    /** Runs the steps in turn, round after round, so machine load drifts over all of them alike. */
    static double[][] measureInterleaved(Step... steps) throws Exception {
        double[][] millis = new double[steps.length][ROUNDS];
        for (int round = -WARMUP; round < ROUNDS; round++) {
            for (int s = 0; s < steps.length; s++) {
                long start = System.nanoTime();
                steps[s].run(round + WARMUP);
                if (round >= 0) {
                    millis[s][round] = (System.nanoTime() - start) / 1e6;
                }
            }
        }
        for (double[] m : millis) {
            Arrays.sort(m);
        }
        return millis;
    }

    static void print(String what, double[] sorted, double[] baseline) {
        System.out.printf("%-38s %7.2f / %7.2f   x%.2f%n", what, p(sorted, 0.5), p(sorted, 0.95), p(sorted, 0.5) / p(baseline, 0.5));
    }

    static double p(double[] sorted, double q) {
        return sorted[(int) Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))];
    }

    static HostAssignment assignment(String host, int i) {
        // one region per write so the rules never refuse and every write is a create
        return new HostAssignment(new Role("BENCH" + i, host, "http://10.0.0.5:9292", "https://10.0.0.5:9494",
                Storage.block("gold")), Instant.now(), "bench", "bench-" + i);
    }
}
