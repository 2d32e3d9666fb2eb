package io.imagelib.systemtests;

import io.imagelib.deploy.local.Shell;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A Linux bridge {@code ilsys-br0} with the root namespace at {@code 10.203.0.1}, and one network namespace per
 * test host, joined to the bridge by a veth pair, at {@code 10.203.0.(10 + index)}.
 *
 * <p>Every name this class creates starts with {@link #PREFIX}, and cleanup removes only such names, so it never
 * touches anyone else's interfaces. Traffic goes only to addresses inside these namespaces.
 *
 * <p>{@code SYSTEM_TESTS_LANE=N} (1..9) moves everything to names {@code ilsysN-...} and subnet {@code 10.203.N.0/24},
 * so several checkouts can run system tests on one machine at once without removing each other's hosts.
 */
public final class TestNetwork implements AutoCloseable {

    private static final int LANE = lane(System.getenv("SYSTEM_TESTS_LANE"));
    public static final String PREFIX = LANE == 0 ? "ilsys-" : "ilsys" + LANE + "-";
    public static final String BRIDGE = PREFIX + "br0";
    public static final String SUBNET_PREFIX = "10.203." + LANE + ".";
    public static final String ROOT_ADDRESS = SUBNET_PREFIX + "1";

    /** One namespace: its name, the veth ends (root side on the bridge, namespace side carrying the address), its address. */
    public record Host(int index, String namespace, String rootVeth, String namespaceVeth, String address) {
    }

    private final List<Host> hosts = new ArrayList<>();

    private TestNetwork() {
    }

    static int lane(String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        if (!value.matches("[0-9]")) {
            throw new IllegalArgumentException("SYSTEM_TESTS_LANE must be a single digit 0..9, not '" + value + "'");
        }
        return Integer.parseInt(value);
    }

    /** Removes leftovers of an earlier run that died, then creates the bridge. */
    public static TestNetwork create() {
        removeLeftovers();
        Shell.run("ip", "link", "add", BRIDGE, "type", "bridge");
        Shell.run("ip", "addr", "add", ROOT_ADDRESS + "/24", "dev", BRIDGE);
        Shell.run("ip", "link", "set", BRIDGE, "up");
        TestNetwork network = new TestNetwork();
        Runtime.getRuntime().addShutdownHook(new Thread(TestNetwork::removeLeftovers, "ilsys-network-cleanup"));
        return network;
    }

    /** Creates namespace {@code <prefix>h<index>} with address 10.203.lane.(10+index) on the bridge. */
    public Host addHost(int index) {
        if (index < 1 || index > 200) {
            throw new IllegalArgumentException("host index 1..200, not " + index);
        }
        String ns = PREFIX + "h" + index;
        String rootVeth = PREFIX + "h" + index + "r";
        String nsVeth = PREFIX + "h" + index + "n";
        String address = SUBNET_PREFIX + (10 + index);
        Shell.run("ip", "netns", "add", ns);
        Shell.run("ip", "link", "add", rootVeth, "type", "veth", "peer", "name", nsVeth);
        Shell.run("ip", "link", "set", nsVeth, "netns", ns);
        Shell.run("ip", "link", "set", rootVeth, "master", BRIDGE);
        Shell.run("ip", "link", "set", rootVeth, "up");
        Shell.run("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
        Shell.run("ip", "netns", "exec", ns, "ip", "addr", "add", address + "/24", "dev", nsVeth);
        Shell.run("ip", "netns", "exec", ns, "ip", "link", "set", nsVeth, "up");
        // A permanent neighbour entry: when the host hangs, packets to it vanish (a real timeout) instead of
        // failing fast with "no route to host" once ARP gives up.
        String mac = Shell.run("ip", "netns", "exec", ns, "cat", "/sys/class/net/" + nsVeth + "/address");
        Shell.run("ip", "neigh", "replace", address, "lladdr", mac, "dev", BRIDGE, "nud", "permanent");
        Host host = new Host(index, ns, rootVeth, nsVeth, address);
        hosts.add(host);
        return host;
    }

    public List<Host> hosts() {
        return List.copyOf(hosts);
    }

    /** Link down inside the namespace: the host neither answers nor resets connections. */
    public static void hang(Host host) {
        Shell.run("ip", "netns", "exec", host.namespace(), "ip", "link", "set", host.namespaceVeth(), "down");
    }

    public static void unhang(Host host) {
        Shell.run("ip", "netns", "exec", host.namespace(), "ip", "link", "set", host.namespaceVeth(), "up");
    }

    /** The command prefix that runs a program inside the host's namespace. */
    public static List<String> inNamespace(Host host, List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", host.namespace()));
        full.addAll(command);
        return full;
    }

    @Override
    public void close() {
        removeLeftovers();
        hosts.clear();
    }

    /**
     * Kills what still runs in our namespaces (by PID, as listed by {@code ip netns pids}), deletes the namespaces
     * (their veth ends go with them) and the bridge. Only names starting with {@value #PREFIX}.
     */
    public static void removeLeftovers() {
        for (String ns : ourNamespaces()) {
            String pids = Shell.attempt("ip", "netns", "pids", ns).output();
            for (String pid : pids.split("\\s+")) {
                if (pid.matches("\\d+")) {
                    ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
            Shell.attempt("ip", "netns", "delete", ns);
        }
        for (String link : ourLinks()) {
            Shell.attempt("ip", "link", "delete", link);
        }
    }

    private static List<String> ourNamespaces() {
        return Arrays.stream(Shell.attempt("ip", "netns", "list").output().split("\n"))
                .map(line -> line.split("\\s+")[0])
                .filter(name -> name.startsWith(PREFIX))
                .toList();
    }

    private static List<String> ourLinks() {
        // "ip -o link" lines look like "12: ilsys-h1r@if11: <...>"; the name is before '@' or ':'.
        return Arrays.stream(Shell.attempt("ip", "-o", "link", "show").output().split("\n"))
                .map(line -> line.split(":\\s+", 3))
                .filter(parts -> parts.length > 1)
                .map(parts -> parts[1].split("@")[0])
                .filter(name -> name.startsWith(PREFIX))
                .toList();
    }
}
