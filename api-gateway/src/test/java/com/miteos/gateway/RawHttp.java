package com.miteos.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * One HTTP/1.1 exchange over a plain socket, byte for byte: for requests that an HTTP client
 * would refuse to send or would change (invalid syntax, exact header and request-line sizes),
 * and for connections from a chosen local address. The request should ask for
 * {@code Connection: close}: the answer is everything read until the server closes.
 */
final class RawHttp {

    /** What came back: the status (0 if the server closed without an answer), the head and the body. */
    record Answer(int status, String head, String body) {

        Optional<String> header(String name) {
            String prefix = "\r\n" + name.toLowerCase(Locale.ROOT) + ":";
            int at = head.toLowerCase(Locale.ROOT).indexOf(prefix);
            if (at < 0) {
                return Optional.empty();
            }
            int end = head.indexOf("\r\n", at + prefix.length());
            return Optional.of(head.substring(at + prefix.length(), end < 0 ? head.length() : end).trim());
        }
    }

    /** The server neither answered nor closed the connection in time. */
    static final class NoAnswerInTime extends IOException {
        NoAnswerInTime(Duration timeout) {
            super("no answer within " + timeout);
        }
    }

    private RawHttp() {
    }

    /**
     * Sends {@code request} from {@code localAddress} (any, if null) and reads the answer.
     * {@code endOfRequest} half-closes the connection after the request, telling the server
     * there is nothing more to read (for requests that declare more body than they carry).
     */
    static Answer exchange(InetSocketAddress server, InetAddress localAddress, byte[] request, boolean endOfRequest,
            Duration timeout) throws IOException {
        try (Socket socket = new Socket()) {
            if (localAddress != null) {
                socket.bind(new InetSocketAddress(localAddress, 0));
            }
            socket.connect(server, (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
                if (endOfRequest) {
                    socket.shutdownOutput();
                }
            } catch (IOException refusedWhileSending) {
                // The server may answer and close before it has read a request it refuses: read what it said.
            }
            String text = new String(readUntilClosed(socket.getInputStream(), timeout), StandardCharsets.ISO_8859_1);
            // Any version: a server may answer a request for HTTP/9.9 in kind.
            if (text.length() < 12 || !text.substring(0, 12).matches("HTTP/[0-9]\\.[0-9] [0-9]{3}")) {
                return new Answer(0, text, "");
            }
            int headEnd = text.indexOf("\r\n\r\n");
            return new Answer(Integer.parseInt(text.substring(9, 12)), headEnd < 0 ? text : text.substring(0, headEnd),
                    headEnd < 0 ? "" : text.substring(headEnd + 4));
        }
    }

    private static byte[] readUntilClosed(InputStream in, Duration timeout) throws IOException {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int read; (read = in.read(buffer)) != -1; ) {
                answer.write(buffer, 0, read);
            }
        } catch (SocketTimeoutException e) {
            if (answer.size() == 0) {
                throw new NoAnswerInTime(timeout);
            }
            // An answer came but the connection stayed open: what came is the answer.
        } catch (IOException reset) {
            // A reset after (part of) an answer: what came is the answer; before any, no answer.
        }
        return answer.toByteArray();
    }
}
