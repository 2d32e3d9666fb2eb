package io.imagelib.systemtests;

import io.imagelib.deploy.local.Shell;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What each part of the stack believes about the region's hosts, compared with {@code ilctl host list} (the
 * compacted host-roles and host-health topics, as an operator reads them): the role-service's hosts, the
 * endpoint-service's enabled public endpoints and admin, the router's UP count, the monitor's readiness (every
 * watched host settled; its verdicts are the host-health records ilctl reads).
 */
public final class StackViews {

    /** One row of {@code ilctl host list}. */
    public record HostRow(String host, String role, String status, String publicUrl) {
    }

    private static final Pattern ROLE_HOST = Pattern.compile("\"hostId\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern ENDPOINT = Pattern.compile("\\{[^{}]*\"enabled\"\\s*:\\s*(true|false)[^{}]*\"url\"\\s*:\\s*\"([^\"]+)\"[^{}]*}");

    private final Path projectRoot;
    private final ServiceStack stack;
    private final String region;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public StackViews(Path projectRoot, ServiceStack stack, String region) {
        this.projectRoot = projectRoot;
        this.stack = stack;
        this.region = region;
    }

    /** {@code ./ilctl host list --region <region>}, run as an operator runs it, against this stack's Kafka and registry. */
    public List<HostRow> ilctlHostList() {
        Shell.Result run = Shell.exec(Duration.ofSeconds(90), projectRoot.resolve("ilctl").toString(), "host", "list",
                "--bootstrap", stack.bootstrapServers(), "--registry", stack.registryUrl(), "--region", region,
                "-f", "value", "-c", "Host", "-c", "Role", "-c", "Status", "-c", "Public URL");
        if (!run.ok()) {
            throw new IllegalStateException("ilctl host list failed: " + run);
        }
        List<HostRow> rows = new ArrayList<>();
        for (String line : run.output().strip().split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length == 4) {
                rows.add(new HostRow(f[0], f[1], f[2], f[3]));
            }
        }
        return rows;
    }

    /** Where the views disagree with {@code ilctl}'s rows; empty when every view agrees. */
    public List<String> disagreements(List<HostRow> ilctl) {
        List<String> wrong = new ArrayList<>();
        Set<String> assigned = ilctl.stream().filter(r -> r.role().equals("assigned")).map(HostRow::host)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> upUrls = ilctl.stream().filter(r -> r.status().equals("UP")).map(HostRow::publicUrl)
                .map(StackViews::withoutSlash).collect(Collectors.toCollection(TreeSet::new));
        try {
            Set<String> roles = matches(get(stack.roleService().resolve("/v1/regions/" + region + "/hosts")), ROLE_HOST, 1);
            if (!roles.equals(assigned)) {
                wrong.add("role-service hosts " + roles + " != ilctl assigned " + assigned);
            }
            Set<String> enabledPublic = enabledUrls(get(stack.endpointService().resolve("/v1/endpoints?interface=public&region=" + region)));
            if (!enabledPublic.equals(upUrls)) {
                wrong.add("endpoint-service enabled public endpoints " + enabledPublic + " != ilctl UP hosts " + upUrls);
            }
            Set<String> admin = enabledUrls(get(stack.endpointService().resolve("/v1/endpoints?interface=admin&region=" + region)));
            if (!upUrls.isEmpty() && (admin.size() != 1 || !upUrls.containsAll(admin))) {
                wrong.add("endpoint-service enabled admin " + admin + " is not one of ilctl's UP hosts " + upUrls);
            }
            int routerUp = stack.routerHealthyHosts();
            if (routerUp != upUrls.size()) {
                wrong.add("router counts " + routerUp + " hosts UP, ilctl " + upUrls.size());
            }
            int monitorReady = status(stack.url("host-monitor-service").resolve("/actuator/health/readiness"));
            if (monitorReady != 200) {
                wrong.add("host-monitor-service readiness " + monitorReady + " (a watched host not settled)");
            }
        } catch (IOException e) {
            wrong.add("a view is unreadable: " + e);
        }
        return wrong;
    }

    /**
     * Polls {@code ilctl host list} and the views until they agree, with {@code expectedUp} hosts UP; returns how
     * long that took, or throws with the last disagreement.
     */
    public Duration awaitAgreement(int expectedUp, Duration timeout) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        List<String> last;
        while (true) {
            List<HostRow> rows = ilctlHostList();
            last = new ArrayList<>(disagreements(rows));
            long up = rows.stream().filter(r -> r.status().equals("UP")).count();
            if (up != expectedUp) {
                last.add("ilctl shows " + up + " hosts UP, expected " + expectedUp + ": " + rows);
            }
            if (last.isEmpty()) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Views still disagree " + timeout + " after the case: " + last);
            }
            GlanceHosts.sleep(Duration.ofMillis(500));
        }
    }

    private String get(URI uri) throws IOException {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException("GET " + uri + " answered " + response.statusCode() + ": " + response.body());
            }
            return response.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted", e);
        }
    }

    private int status(URI uri) throws IOException {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted", e);
        }
    }

    private static Set<String> enabledUrls(String json) {
        Set<String> urls = new TreeSet<>();
        Matcher m = ENDPOINT.matcher(json);
        while (m.find()) {
            if (m.group(1).equals("true")) {
                urls.add(withoutSlash(m.group(2)));
            }
        }
        return urls;
    }

    private static Set<String> matches(String json, Pattern pattern, int group) {
        return pattern.matcher(json).results().map(r -> r.group(group)).collect(Collectors.toCollection(TreeSet::new));
    }

    private static String withoutSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** For reports: the rows as "host role status". */
    public static String describe(List<HostRow> rows) {
        return rows.stream().map(r -> r.host() + " " + r.role() + " " + r.status()).collect(Collectors.joining(", "));
    }
}
