package com.miteos.gateway;

import io.restassured.RestAssured;
import io.restassured.config.HttpClientConfig;
import io.restassured.specification.RequestSpecification;
import org.apache.http.conn.params.ConnRoutePNames;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Optional;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Requests that reach the gateway from an address of this machine that is not loopback (its
 * own network address, e.g. eth0's): to the gateway they come from another host, as far as the
 * connection can tell. The gateway must listen on all interfaces for them ({@link PinnedDefaults}).
 */
final class ThisHost {

    private ThisHost() {
    }

    /**
     * A request bound to a non-loopback IPv4 address of this machine and sent to the gateway at
     * that same address. A machine without one cannot run the test, which is then skipped.
     */
    static RequestSpecification fromNonLoopbackAddress() {
        Optional<InetAddress> address = nonLoopbackAddress();
        assumeTrue(address.isPresent(), "this machine has no non-loopback IPv4 address to connect from");
        InetAddress local = address.get();
        return given()
                .config(RestAssured.config().httpClient(HttpClientConfig.httpClientConfig()
                        .setParam(ConnRoutePNames.LOCAL_ADDRESS, local)))
                .baseUri("http://" + local.getHostAddress())
                .port(RestAssured.port);
    }

    static Optional<InetAddress> nonLoopbackAddress() {
        try {
            return NetworkInterface.networkInterfaces()
                    .filter(ThisHost::isUpAndNotLoopback)
                    .flatMap(NetworkInterface::inetAddresses)
                    .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                    .findFirst();
        } catch (SocketException e) {
            return Optional.empty();
        }
    }

    private static boolean isUpAndNotLoopback(NetworkInterface network) {
        try {
            return network.isUp() && !network.isLoopback();
        } catch (SocketException e) {
            return false;
        }
    }
}
