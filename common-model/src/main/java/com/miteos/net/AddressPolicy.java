package com.miteos.net;

import java.net.InetAddress;

/**
 * Decides whether an address may be connected to. Production uses {@link #publicInternet()};
 * the interface exists so that a test can declare one loopback address "public" and so
 * exercise redirects and limits against a server on this machine, without any traffic
 * leaving it.
 */
@FunctionalInterface
public interface AddressPolicy {

    boolean permits(InetAddress address);

    /** Only globally routable unicast addresses; see {@link PublicAddresses} for what is refused. */
    static AddressPolicy publicInternet() {
        return PublicAddresses.INSTANCE;
    }
}
