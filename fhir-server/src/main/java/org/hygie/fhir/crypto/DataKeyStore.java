package org.hygie.fhir.crypto;

import java.util.List;
import java.util.Optional;

/** Where wrapped data keys live (the database). Implementations join the caller's transaction. */
public interface DataKeyStore {

    /** A data key as stored: {@code wrapped} is null once the key was destroyed (crypto-shredding). */
    record WrappedKey(String id, String compartment, String kekId, byte[] wrapped) {}

    Optional<WrappedKey> byCompartment(String compartment);

    Optional<WrappedKey> byId(String id);

    /** Inserts unless the compartment has a key already; either way returns the compartment's key. */
    WrappedKey insertIfAbsent(WrappedKey key);

    /** Up to {@code limit} live keys wrapped by a KEK other than {@code kekId}. */
    List<WrappedKey> wrappedByOtherThan(String kekId, int limit);

    /** One live key wrapped by {@code kekId}, to prove the KEK opens it. */
    Optional<WrappedKey> anyWrappedBy(String kekId);

    /** The KEK ids that wrap live keys, and how many each. */
    java.util.Map<String, Integer> countByKek();

    void rewrap(String id, String expectedKekId, String newKekId, byte[] wrapped);

    /** Moves a key to a new compartment name (index key rotation renames every compartment). */
    void renameCompartment(String from, String to);

    /** Forgets the key material for good; returns false when there was no live key. */
    boolean destroy(String compartment);
}
