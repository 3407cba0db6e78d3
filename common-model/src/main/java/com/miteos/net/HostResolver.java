package com.miteos.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/**
 * Turns a host name into the addresses it stands for. The guard looks every one of them up
 * through this interface so that tests can answer names themselves: a test must never depend
 * on (or send queries to) a real DNS server, and it must be able to make a name "resolve" to
 * loopback, private or mixed addresses at will.
 */
@FunctionalInterface
public interface HostResolver {

    /**
     * All addresses of {@code host}, a syntactically valid ASCII host name (never a numeric
     * address: the guard reads those itself). May block; the fetcher calls it off the event loop.
     *
     * @throws UnknownHostException if the name does not resolve
     */
    List<InetAddress> resolve(String host) throws UnknownHostException;

    /** The JVM's resolver (the operating system's, through {@link InetAddress#getAllByName}). */
    static HostResolver system() {
        return host -> Arrays.asList(InetAddress.getAllByName(host));
    }
}
