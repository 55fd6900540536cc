package org.hygie.fhir.testsupport;

import java.util.concurrent.atomic.AtomicLong;

/** Unique, well-formed synthetic identifiers for tests (Hygie's profiles check their format). */
public final class TestIdentifiers {
    private static final AtomicLong NEXT = new AtomicLong(System.nanoTime() % 1_000_000_000_000L);

    private TestIdentifiers() {}

    /** A test INS (OID 1.2.250.1.213.1.4.10 value): a 13-digit NIR-shaped number and its key (97 - NIR mod 97). */
    public static String ins() {
        String nir = String.format("2%012d", NEXT.incrementAndGet() % 1_000_000_000_000L);
        return nir + String.format("%02d", 97 - Long.parseLong(nir) % 97);
    }

    /** An 11-digit RPPS-shaped number. */
    public static String rpps() {
        return String.format("1%010d", NEXT.incrementAndGet() % 10_000_000_000L);
    }
}
