package io.imagelib.ilctl.stack;

/**
 * One Glance host of the local stack.
 *
 * @param name      host id, also the role-service hostId ({@code host-1}, ...)
 * @param port      its Glance API port on 127.0.0.1
 * @param simulated true for the glance-simulator, false for a real glance-api
 */
public record GlanceHost(String name, int port, boolean simulated) {

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public String kind() {
        return simulated ? "simulated Glance" : "Glance";
    }
}
