package org.hygie.fhir.security;

import static org.hygie.fhir.error.FhirErrors.forbidden;
import static org.hygie.fhir.error.FhirErrors.unauthorized;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.hygie.fhir.storage.AccessControl;
import org.hygie.fhir.types.ResourceTypes;

/**
 * Hygie's authorization rules, in one table. Anyone, anonymous included, may read and search the public
 * directory (practitioners, roles, organizations, locations, services, schedules, slots, conformance
 * resources) outside patient compartments. Beyond that a caller gets what their token's SMART scopes grant,
 * capped by who they are:
 * <ul>
 *   <li>{@code system/} scopes (portal sync, aggregators): every resource of the type;</li>
 *   <li>{@code patient/} scopes (or {@code user/} with fhirUser Patient/ID): only the patient's own compartment,
 *       plus reading the public directory;</li>
 *   <li>{@code user/} scopes with fhirUser Practitioner/ID: what {@link #PRACTITIONER_REACH} says (their own
 *       directory entries and schedules, the appointments they take part in, the patients of those
 *       appointments, the documents they wrote).</li>
 * </ul>
 * A scope's {@code ?param=value} restriction is added to the others. Restrictions are search criteria, so
 * searches are filtered (counts included) and a read outside them is a 404, never a hint that it exists.
 */
public final class ScopeAccessControl implements AccessControl {

    /**
     * What a practitioner reaches per type, as search criteria ({@code {self}}: their Practitioner id;
     * {@code {refs}}: Practitioner/ID and their PractitionerRole/IDs). Patients are reached through care
     * relationships instead ({@link #practitioner}). Types not listed: nothing beyond public reads.
     */
    static final Map<String, String[]> PRACTITIONER_REACH = Map.of(
            "Practitioner", new String[] {"_id", "{self}"},
            "PractitionerRole", new String[] {"practitioner", "Practitioner/{self}"},
            "Schedule", new String[] {"actor", "{refs}"},
            "Slot", new String[] {"schedule.actor", "{refs}"},
            "Appointment", new String[] {"actor", "{refs}"},
            "AppointmentResponse", new String[] {"actor", "{refs}"},
            "DocumentReference", new String[] {"author", "{refs}"});

    @Override
    public Restriction restriction(String type, Interaction interaction) {
        Caller caller = CurrentCaller.get();
        if (caller == null) {
            return Restriction.NONE;
        }
        char letter = letter(interaction);
        if (letter != 'r' && letter != 's' && serverWritten(type)) {
            throw methodNotAllowed(type.equals("AuditEvent") ? "AuditEvents are written by the server only, and never changed"
                    : type + " resources are published by the server from its implementation guide and terminology packages:"
                    + " read-only through the API (the server validates with them)");
        }
        boolean publicRead = ResourceTypes.isPublic(type) && (letter == 'r' || letter == 's');
        Optional<SmartScope> scope = caller.scopes().stream()
                .filter(s -> s.grants(type, letter) && usable(s, caller))
                .min(Comparator.comparing(SmartScope::context, Comparator.reverseOrder()));
        if (scope.isEmpty()) {
            if (publicRead) {
                return publicOnly(Map.of());
            }
            if (caller.anonymous()) {
                throw unauthorized(describe(interaction, type) + " needs a bearer token (the public directory and free slots"
                        + " are readable without one)");
            }
            throw forbidden("The token's scopes do not allow " + describe(interaction, type));
        }
        SmartScope granted = scope.get();
        Map<String, String[]> criteria = granted.restriction();
        return switch (granted.context()) {
            case SYSTEM -> new Restriction(null, true, criteria);
            case PATIENT -> patient(caller, type, letter, criteria, publicRead);
            case USER -> caller.practitionerId() != null ? practitioner(caller, type, interaction, criteria, publicRead)
                    : patient(caller, type, letter, criteria, publicRead);
        };
    }

    private static Restriction patient(Caller caller, String type, char letter, Map<String, String[]> criteria, boolean publicRead) {
        if (ResourceTypes.isPublic(type) && !publicRead) {
            throw forbidden("A patient's token cannot change the public directory (" + type + ")");
        }
        return new Restriction(Set.of(caller.patientId()), publicRead, criteria);
    }

    private static Restriction practitioner(Caller caller, String type, Interaction interaction, Map<String, String[]> criteria,
                                            boolean publicRead) {
        if (publicRead) {
            return publicOnly(criteria);
        }
        Restriction reach = practitionerReach(caller, type, criteria);
        if (reach == null) {
            throw forbidden("A practitioner's token does not reach " + type + " resources (" + describe(interaction, type) + ")");
        }
        return reach;
    }

    /**
     * What a practitioner reaches of {@code type} (with {@code criteria} added), or null for nothing: their
     * own directory entries and agendas, their appointments and documents by the table above, and the
     * records of the patients who opened theirs to them (care relationships, made by the patient's or the
     * operator's booking, never by the practitioner alone).
     */
    private static Restriction practitionerReach(Caller caller, String type, Map<String, String[]> criteria) {
        if (type.equals("Patient")) {
            return new Restriction(null, false, criteria, caller.practitionerReferenceList());
        }
        String[] reach = PRACTITIONER_REACH.get(type);
        if (reach == null) {
            return null;
        }
        Map<String, String[]> all = new LinkedHashMap<>(criteria);
        String value = reach[1].replace("{self}", caller.practitionerId()).replace("{refs}", caller.practitionerReferences());
        all.merge(reach[0], new String[] {value}, (a, b) -> java.util.stream.Stream.concat(java.util.Arrays.stream(a),
                java.util.Arrays.stream(b)).toArray(String[]::new));
        // directory entries they own stay outside compartments; patient data may be in any
        return ResourceTypes.isPublic(type) ? new Restriction(Set.of(), true, all) : new Restriction(null, true, all);
    }

    @Override
    public Restriction reach(String type) {
        Caller caller = CurrentCaller.get();
        if (caller == null || (caller.practitionerId() == null && caller.patientId() == null)) {
            return Restriction.NONE; // the server itself, or a system client: the operator's own software
        }
        if (ResourceTypes.isPublic(type)) {
            return publicOnly(Map.of());
        }
        if (caller.practitionerId() != null) {
            Restriction reach = practitionerReach(caller, type, Map.of());
            return reach != null ? reach : new Restriction(Set.of(), false, Map.of());
        }
        return new Restriction(Set.of(caller.patientId()), true, Map.of());
    }

    /** Types only the server writes: the audit trail and the definitions it publishes (and validates with). */
    public static boolean serverWritten(String type) {
        return ResourceTypes.serverWritten(type);
    }

    private static ca.uhn.fhir.rest.server.exceptions.MethodNotAllowedException methodNotAllowed(String message) {
        ca.uhn.fhir.rest.server.exceptions.MethodNotAllowedException refused = new ca.uhn.fhir.rest.server.exceptions.MethodNotAllowedException(message);
        refused.setOperationOutcome(org.hygie.fhir.error.FhirErrors.outcome(org.hl7.fhir.r4.model.OperationOutcome.IssueType.NOTSUPPORTED,
                message, null));
        return refused;
    }

    private static Restriction publicOnly(Map<String, String[]> criteria) {
        return new Restriction(Set.of(), true, criteria);
    }

    /** A patient/ scope needs a patient in context; a user/ scope needs a fhirUser (practitioner or patient). */
    private static boolean usable(SmartScope scope, Caller caller) {
        return switch (scope.context()) {
            case SYSTEM -> true;
            case PATIENT -> caller.patientId() != null;
            case USER -> caller.practitionerId() != null || caller.patientId() != null;
        };
    }

    private static char letter(Interaction interaction) {
        return switch (interaction) {
            case CREATE -> 'c';
            case READ -> 'r';
            case UPDATE -> 'u';
            case DELETE -> 'd';
            case SEARCH -> 's';
        };
    }

    private static String describe(Interaction interaction, String type) {
        return interaction.name().toLowerCase(java.util.Locale.ROOT) + " of " + type;
    }

    @Override
    public boolean servesClient() {
        return CurrentCaller.get() != null;
    }

    @Override
    public <T> T asServer(Supplier<T> work) {
        return CurrentCaller.asServer(work);
    }

    /** For callers that need the practitioner's roles: resolved once per token with the server's rights. */
    static Caller withRoles(Caller caller, Function<String, List<String>> rolesOf) {
        if (caller.practitionerId() == null) {
            return caller;
        }
        return caller.withRoles(CurrentCaller.asServer(() -> rolesOf.apply(caller.practitionerId())));
    }
}
