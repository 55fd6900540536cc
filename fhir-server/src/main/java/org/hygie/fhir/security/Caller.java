package org.hygie.fhir.security;

import java.util.List;

/**
 * Who is calling, from their bearer token (or nobody: anonymous).
 *
 * @param clientId       the OAuth client (client_id, azp or sub claim)
 * @param user           the end user (sub), or null for a system client
 * @param patientId      the launch context patient ({@code patient} claim, or fhirUser Patient/ID)
 * @param practitionerId the practitioner the user is (fhirUser Practitioner/ID)
 * @param roleIds        that practitioner's PractitionerRole ids, resolved when the token is accepted
 */
public record Caller(String clientId, String user, String patientId, String practitionerId, List<SmartScope> scopes,
                     List<String> roleIds, String tokenId) {
    public static final Caller ANONYMOUS = new Caller(null, null, null, null, List.of(), List.of(), null);

    public boolean anonymous() {
        return clientId == null;
    }

    public Caller withRoles(List<String> roles) {
        return new Caller(clientId, user, patientId, practitionerId, scopes, List.copyOf(roles), tokenId);
    }

    /** Practitioner/ID and each PractitionerRole/ID, as the OR-values of a reference criterion. */
    String practitionerReferences() {
        StringBuilder refs = new StringBuilder("Practitioner/").append(practitionerId);
        roleIds.forEach(id -> refs.append(",PractitionerRole/").append(id));
        return refs.toString();
    }
}
