package com.miteos.net;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bare TCP listener on a loopback address that counts every connection it accepts, then
 * answers a tiny HTTP page ("internal secret"). It stands for whatever an SSRF attack wants to
 * reach. It counts connections rather than HTTP requests on purpose: a TLS handshake or a
 * request the server could not parse must count as a breach too.
 */
public final class CountingListener implements AutoCloseable {

    private static final byte[] ANSWER = ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 15\r\n"
            + "Connection: close\r\n\r\ninternal secret").getBytes(StandardCharsets.US_ASCII);

    private final ServerSocket server;
    private final AtomicInteger connections = new AtomicInteger();
    private final Thread acceptor;

    /** Listens on {@code address}:{@code port} (0 for any free port). */
    public CountingListener(String address, int port) throws IOException {
        server = new ServerSocket();
        server.bind(new InetSocketAddress(TestDns.address(address), port));
        acceptor = new Thread(this::serve, "counting-listener-" + address);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    public InetAddress address() {
        return server.getInetAddress();
    }

    public int connections() {
        return connections.get();
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                connections.incrementAndGet();
                socket.setSoTimeout(1_000);
                readRequestHead(socket.getInputStream());
                socket.getOutputStream().write(ANSWER);
            } catch (SocketException closed) {
                return;
            } catch (IOException ignored) {
                // A client that hung up or sent garbage: it is counted, that is all we need.
            }
        }
    }

    /** Reads until the blank line ending the request head, a timeout, or 8 KiB. */
    private static void readRequestHead(InputStream in) throws IOException {
        int matched = 0;
        for (int read = 0; read < 8192; read++) {
            int b = in.read();
            if (b < 0) {
                return;
            }
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
