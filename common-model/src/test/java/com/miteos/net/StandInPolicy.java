package com.miteos.net;

import java.net.InetAddress;

/**
 * The production policy, except that one loopback address (127.0.0.2) plays a public web
 * server. That lets tests run redirects, limits and timeouts against a server on this
 * machine. It is also a tripwire: tests only ever offer it loopback or non-public addresses,
 * so if the production policy permits anything else, the test fails here, before any
 * connection, instead of sending traffic off the machine.
 */
public final class StandInPolicy implements AddressPolicy {

    public static final String STAND_IN = "127.0.0.2";

    private final InetAddress standIn = TestDns.address(STAND_IN);

    @Override
    public boolean permits(InetAddress address) {
        if (address.equals(standIn)) {
            return true;
        }
        if (AddressPolicy.publicInternet().permits(address)) {
            throw new AssertionError("the production policy permitted " + address
                    + "; refusing to connect off this machine");
        }
        return false;
    }
}
