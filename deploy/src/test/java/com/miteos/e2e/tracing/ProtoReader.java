package com.miteos.e2e.tracing;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Just enough of the protobuf wire format to walk an OTLP export request: varints, fixed 64-bit
 * values and length-delimited fields (messages, strings, bytes). The OTLP message classes are not
 * among our dependencies, and the test reads only a handful of fields.
 */
final class ProtoReader {

    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;

    private final byte[] data;
    private int position;
    private final int end;
    private int tag;

    ProtoReader(byte[] data) {
        this(data, 0, data.length);
    }

    private ProtoReader(byte[] data, int from, int to) {
        this.data = data;
        this.position = from;
        this.end = to;
    }

    /** Moves to the next field; false at the end of the message. */
    boolean next() {
        if (position >= end) {
            return false;
        }
        tag = (int) varint();
        return true;
    }

    int field() {
        return tag >>> 3;
    }

    int wireType() {
        return tag & 7;
    }

    long varint() {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = data[position++];
            value |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("malformed varint");
    }

    long fixed64() {
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value |= (data[position++] & 0xffL) << (8 * i);
        }
        return value;
    }

    byte[] bytes() {
        int length = (int) varint();
        byte[] value = Arrays.copyOfRange(data, position, position + length);
        position += length;
        return value;
    }

    String string() {
        return new String(bytes(), StandardCharsets.UTF_8);
    }

    /** The length-delimited field as a message of its own. */
    ProtoReader message() {
        int length = (int) varint();
        ProtoReader inner = new ProtoReader(data, position, position + length);
        position += length;
        return inner;
    }

    void skip() {
        switch (wireType()) {
            case VARINT -> varint();
            case FIXED64 -> position += 8;
            case LENGTH_DELIMITED -> {
                // Not "position += varint()": that adds the length to the position before the varint was read.
                int length = (int) varint();
                position += length;
            }
            case FIXED32 -> position += 4;
            default -> throw new IllegalArgumentException("unsupported wire type " + wireType());
        }
    }
}
