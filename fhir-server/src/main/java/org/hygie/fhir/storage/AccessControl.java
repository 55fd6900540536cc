package org.hygie.fhir.storage;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Who may see and change what. {@link ResourceService} asks it on every read, search and write, so a
 * restriction applies on every path (plain interactions, transactions, includes, chains, operations); the
 * security package implements it from the caller's token.
 */
public interface AccessControl {

    enum Interaction { CREATE, READ, UPDATE, DELETE, SEARCH }

    /**
     * What the current caller may reach of {@code type} for {@code interaction}: everything, or only what a
     * {@link Restriction} selects. Throws the 401/403 to return when the interaction is not allowed at all.
     */
    Restriction restriction(String type, Interaction interaction);

    /** Whether the current work is a client's request (not the server acting on its own, nor a rule's side effect). */
    default boolean servesClient() {
        return false;
    }

    /** Runs {@code work} with the server's own rights: side effects the server decides (rules), not the caller. */
    <T> T asServer(Supplier<T> work);

    /**
     * What the caller, as the person or system they are, may point to or name in what they write, whatever
     * their token's scopes: a patient their own compartment and the directory, a practitioner what their
     * relationships reach. A reference beyond it is answered as one to a resource that does not exist.
     */
    default Restriction reach(String type) {
        return Restriction.NONE;
    }

    /**
     * @param compartments null: any compartment; otherwise the patient ids whose compartments are reachable,
     *                     plus resources outside every compartment when {@code outsideCompartments}
     * @param criteria     search criteria (as in a query string) every reachable resource also matches
     * @param grantedTo    null, or Practitioner/ID and PractitionerRole/ID references: then the compartments
     *                     their patients opened to them (care relationships) are reachable too
     */
    record Restriction(Set<String> compartments, boolean outsideCompartments, Map<String, String[]> criteria, List<String> grantedTo) {
        public static final Restriction NONE = new Restriction(null, true, Map.of());

        public Restriction(Set<String> compartments, boolean outsideCompartments, Map<String, String[]> criteria) {
            this(compartments, outsideCompartments, criteria, null);
        }

        public boolean unrestricted() {
            return compartments == null && criteria.isEmpty() && grantedTo == null;
        }
    }

    /** Everything allowed: the storage layer on its own (tests, commands, background jobs). */
    AccessControl ALL = new AccessControl() {
        @Override
        public Restriction restriction(String type, Interaction interaction) {
            return Restriction.NONE;
        }

        @Override
        public <T> T asServer(Supplier<T> work) {
            return work.get();
        }
    };
}
