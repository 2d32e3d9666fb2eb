package io.imagelib.systemtests;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code openstack} CLI (python3-openstackclient 6.0, through openstacksdk and keystoneauth) pointed at one image
 * endpoint without Keystone: {@code --os-auth-type none --os-endpoint <url>}. Unlike the glance CLI it first asks the
 * endpoint for Glance's version document ({@code GET /}, 300 Multiple Choices) and sends its image requests to the
 * {@code v2} link it finds there, so through the router this exercises the router's version discovery.
 * Identity as for {@link GlanceCli}: sitecustomize.py adds the trusted-auth headers to every request.
 */
public final class OpenstackCli implements ImageCli {

    private static final Pattern UUID = Pattern.compile("\\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\b");

    private final URI endpoint;
    private final Map<String, String> env;
    private final List<GlanceCli.Run> runs = Collections.synchronizedList(new ArrayList<>());

    private OpenstackCli(URI endpoint, Map<String, String> env) {
        this.endpoint = endpoint;
        this.env = env;
    }

    /** A CLI bound to {@code endpoint}; its sitecustomize.py is written under {@code workDir}. */
    public static OpenstackCli at(URI endpoint, Path workDir) {
        return new OpenstackCli(endpoint, GlanceCli.keystonelessEnvironment(workDir));
    }

    /** Runs {@code openstack --os-auth-type none --os-endpoint <endpoint> <args>} and records it. */
    public GlanceCli.Run run(String... args) {
        List<String> command = new ArrayList<>(List.of("openstack", "--os-auth-type", "none", "--os-endpoint", endpoint.toString()));
        command.addAll(List.of(args));
        GlanceCli.Run run = GlanceCli.exec("openstack", command, args, env);
        runs.add(run);
        return run;
    }

    /** {@code image create --file ... -f value -c id}. */
    @Override
    public GlanceCli.Run create(String name, Path file) {
        return run("image", "create", "--file", file.toString(), "--disk-format", "raw", "--container-format", "bare",
                "-f", "value", "-c", "id", name);
    }

    @Override
    public GlanceCli.Run save(String imageId, Path out) {
        return run("image", "save", "--file", out.toString(), imageId);
    }

    /** {@code image list -f value -c ID -c Status}: one "id status" line per image. */
    @Override
    public GlanceCli.Run list() {
        return run("image", "list", "-f", "value", "-c", "ID", "-c", "Status");
    }

    /** The image id a {@code -f value -c id} create printed (the output may carry warnings too). */
    @Override
    public String createdId(GlanceCli.Run created) {
        Matcher m = UUID.matcher(created.output());
        if (!m.find()) {
            throw new IllegalStateException("No image id in the output of " + created);
        }
        return m.group();
    }

    @Override
    public List<GlanceCli.Run> runs() {
        synchronized (runs) {
            return List.copyOf(runs);
        }
    }
}
