package com.mallquest.local.runner;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who may mint a token at {@code POST /local/dev-token} (an admin token, for local development only).
 *
 * <p>A request must be addressed to this runner by a loopback name: its {@code Host} is {@code localhost},
 * a {@code 127.x.x.x} address or {@code [::1]}, with the runner's port; and when it carries an {@code Origin} (every
 * browser's POST does), that origin is the runner's own, {@code http://} + that {@code Host}. So a page on
 * another site cannot mint a token through the visitor's browser, not even by pointing its own DNS name at
 * 127.0.0.1 (DNS rebinding: the browser then sends that name as {@code Host}). No name is ever looked up.
 *
 * <p>When the runner listens on an address other than loopback ({@code --host 0.0.0.0}) the dev sign-in is off,
 * unless {@code --allow-network-dev-token} turns it on; then a {@code Host} that is any IP address literal (what
 * a phone on the same network types) is accepted too, still never a DNS name other than {@code localhost}.
 */
final class DevTokenGuard {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final int port;
    private final boolean enabled;
    private final boolean anyAddress;

    private DevTokenGuard(int port, boolean enabled, boolean anyAddress) {
        this.port = port;
        this.enabled = enabled;
        this.anyAddress = anyAddress;
    }

    /**
     * @param boundHost          what the runner listens on ({@code --host})
     * @param port               the runner's port
     * @param allowOnNetwork     {@code --allow-network-dev-token}: keep the dev sign-in on a non-loopback address
     */
    static DevTokenGuard of(String boundHost, int port, boolean allowOnNetwork) {
        boolean loopback = isLoopbackBinding(boundHost);
        return new DevTokenGuard(port, loopback || allowOnNetwork, !loopback && allowOnNetwork);
    }

    /** Whether {@code host} (as given to {@code --host}) listens on loopback only. */
    static boolean isLoopbackBinding(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Whether the dev sign-in is served at all. */
    boolean enabled() {
        return enabled;
    }

    /** Why {@code request} may not mint a token, or empty when it may. */
    Optional<String> refusal(ApiGatewayEvents.HttpRequest request) {
        if (!enabled) {
            return Optional.of("The dev sign-in is off: start-api listens beyond this machine (--host); "
                    + "--allow-network-dev-token turns it on");
        }
        List<String> hosts = values(request, "Host");
        if (hosts.size() != 1 || !acceptedHost(hosts.get(0))) {
            return Optional.of("The dev sign-in answers only requests addressed to this runner as localhost, "
                    + "127.0.0.1 or [::1] on port " + port);
        }
        List<String> origins = values(request, "Origin");
        if (origins.size() > 1 || (origins.size() == 1 && !origins.get(0).equalsIgnoreCase("http://" + hosts.get(0)))) {
            return Optional.of("The dev sign-in answers only this runner's own pages (an Origin other than its own was sent)");
        }
        return Optional.empty();
    }

    private boolean acceptedHost(String hostHeader) {
        String host;
        String portText;
        if (hostHeader.startsWith("[")) {
            int close = hostHeader.indexOf(']');
            if (close < 0) {
                return false;
            }
            host = hostHeader.substring(1, close);
            String rest = hostHeader.substring(close + 1);
            if (!rest.isEmpty() && !rest.startsWith(":")) {
                return false;
            }
            portText = rest.isEmpty() ? null : rest.substring(1);
            if (!host.contains(":")) {
                return false;
            }
        } else {
            int colon = hostHeader.indexOf(':');
            if (colon != hostHeader.lastIndexOf(':')) {
                return false;
            }
            host = colon < 0 ? hostHeader : hostHeader.substring(0, colon);
            portText = colon < 0 ? null : hostHeader.substring(colon + 1);
        }
        int given;
        try {
            given = portText == null ? 80 : Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            return false;
        }
        if (given != port) {
            return false;
        }
        if (host.toLowerCase(Locale.ROOT).equals("localhost")) {
            return true;
        }
        Optional<InetAddress> literal = literal(host);
        return literal.isPresent() && (literal.get().isLoopbackAddress() || anyAddress);
    }

    /** An IP address written as such (never a DNS lookup). */
    private static Optional<InetAddress> literal(String host) {
        try {
            if (IPV4.matcher(host).matches()) {
                byte[] address = new byte[4];
                String[] parts = host.split("\\.");
                for (int i = 0; i < 4; i++) {
                    int part = Integer.parseInt(parts[i]);
                    if (part > 255) {
                        return Optional.empty();
                    }
                    address[i] = (byte) part;
                }
                return Optional.of(InetAddress.getByAddress(address));
            }
            boolean ipv6 = host.contains(":") && host.chars().allMatch(c -> (c < 128 && Character.digit(c, 16) >= 0) || c == ':' || c == '.');
            // with a colon, InetAddress reads the text as an IPv6 literal or fails: it never looks a name up
            return ipv6 ? Optional.of(InetAddress.getByName(host)) : Optional.empty();
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static List<String> values(ApiGatewayEvents.HttpRequest request, String name) {
        return request.headers().stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).toList();
    }
}
