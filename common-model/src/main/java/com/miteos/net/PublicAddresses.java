package com.miteos.net;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;

/**
 * The addresses an agent may fetch from: public unicast internet addresses only.
 *
 * <p>IPv4 is a deny list of every special-purpose block of the IANA registry (RFC 6890 and
 * successors) that is not an ordinary public host: "this network" 0/8, RFC 1918 private
 * ranges, CGNAT 100.64/10 (Alibaba's metadata service lives at 100.100.100.200), loopback,
 * link-local 169.254/16 (the AWS, GCP and Azure metadata service at 169.254.169.254), the IETF
 * block 192.0.0/24 (Oracle's metadata at 192.0.0.192), the TEST-NETs, the 6to4 relay anycast,
 * benchmarking 198.18/15, multicast, and 240/4 with the broadcast address.
 *
 * <p>IPv6 is an allow list, which is safer for a space this large: only global unicast
 * 2000::/3 passes, minus its non-public parts (the IETF protocol block 2001::/23 with Teredo
 * 2001::/32, documentation 2001:db8::/32 and 3fff::/20). Everything else — ::, ::1, ULA
 * fc00::/7 (AWS's IPv6 metadata is fd00:ec2::254), link-local fe80::/10, site-local,
 * multicast ff00::/8, IPv4-compatible ::/96, the local-use NAT64 prefix — is refused. Three
 * IPv6 forms carry an IPv4 address that is what really gets reached, so that embedded address
 * is judged instead: IPv4-mapped ::ffff:0:0/96, the well-known NAT64 prefix 64:ff9b::/96 (how
 * an IPv6-only cluster reaches IPv4 sites) and 6to4 2002::/16.
 */
final class PublicAddresses implements AddressPolicy {

    static final PublicAddresses INSTANCE = new PublicAddresses();

    private static final List<Block> NON_PUBLIC_IPV4 = List.of(
            Block.of(0, 0, 0, 0, 8),        // "this network"; 0.0.0.0 reaches the local host on Linux
            Block.of(10, 0, 0, 0, 8),       // RFC 1918
            Block.of(100, 64, 0, 0, 10),    // carrier-grade NAT, RFC 6598
            Block.of(127, 0, 0, 0, 8),      // loopback
            Block.of(169, 254, 0, 0, 16),   // link-local, cloud metadata
            Block.of(172, 16, 0, 0, 12),    // RFC 1918
            Block.of(192, 0, 0, 0, 24),     // IETF protocol assignments
            Block.of(192, 0, 2, 0, 24),     // TEST-NET-1
            Block.of(192, 88, 99, 0, 24),   // 6to4 relay anycast (deprecated)
            Block.of(192, 168, 0, 0, 16),   // RFC 1918
            Block.of(198, 18, 0, 0, 15),    // benchmarking
            Block.of(198, 51, 100, 0, 24),  // TEST-NET-2
            Block.of(203, 0, 113, 0, 24),   // TEST-NET-3
            Block.of(224, 0, 0, 0, 4),      // multicast
            Block.of(240, 0, 0, 0, 4));     // reserved, and 255.255.255.255 broadcast

    private static final Block GLOBAL_UNICAST_IPV6 = Block.ofV6(new int[] {0x2000}, 3);
    private static final List<Block> NON_PUBLIC_GLOBAL_IPV6 = List.of(
            Block.ofV6(new int[] {0x2001, 0x0000}, 23),  // IETF protocol assignments, Teredo, ORCHID
            Block.ofV6(new int[] {0x2001, 0x0db8}, 32),  // documentation
            Block.ofV6(new int[] {0x3fff, 0x0000}, 20)); // documentation, RFC 9637
    private static final Block IPV4_MAPPED = Block.ofV6(new int[] {0, 0, 0, 0, 0, 0xffff}, 96);
    private static final Block NAT64_WELL_KNOWN = Block.ofV6(new int[] {0x64, 0xff9b, 0, 0, 0, 0}, 96);
    private static final Block SIX_TO_FOUR = Block.ofV6(new int[] {0x2002}, 16);

    private PublicAddresses() {
    }

    @Override
    public boolean permits(InetAddress address) {
        return isPublic(address.getAddress());
    }

    static boolean isPublic(byte[] address) {
        if (address.length == 4) {
            return NON_PUBLIC_IPV4.stream().noneMatch(block -> block.contains(address));
        }
        if (IPV4_MAPPED.contains(address) || NAT64_WELL_KNOWN.contains(address)) {
            return isPublic(Arrays.copyOfRange(address, 12, 16));
        }
        if (SIX_TO_FOUR.contains(address)) {
            return isPublic(Arrays.copyOfRange(address, 2, 6));
        }
        return GLOBAL_UNICAST_IPV6.contains(address)
                && NON_PUBLIC_GLOBAL_IPV6.stream().noneMatch(block -> block.contains(address));
    }

    /** A CIDR block: the first {@code prefixLength} bits of {@code network}. */
    private record Block(byte[] network, int prefixLength) {

        static Block of(int a, int b, int c, int d, int prefixLength) {
            return new Block(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d}, prefixLength);
        }

        /** An IPv6 block from its leading 16-bit groups; the rest are zero. */
        static Block ofV6(int[] leadingGroups, int prefixLength) {
            byte[] network = new byte[16];
            for (int i = 0; i < leadingGroups.length; i++) {
                network[2 * i] = (byte) (leadingGroups[i] >>> 8);
                network[2 * i + 1] = (byte) leadingGroups[i];
            }
            return new Block(network, prefixLength);
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int fullBytes = prefixLength / 8;
            for (int i = 0; i < fullBytes; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int remainingBits = prefixLength % 8;
            if (remainingBits == 0) {
                return true;
            }
            int mask = 0xff << (8 - remainingBits) & 0xff;
            return (address[fullBytes] & mask) == (network[fullBytes] & mask);
        }
    }
}
