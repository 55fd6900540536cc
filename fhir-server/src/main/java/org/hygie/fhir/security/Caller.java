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
 * @param fhirUserBase   the base URL of an absolute fhirUser (it must be this server's), or null
 */
public record Caller(String clientId, String user, String patientId, String practitionerId, List<SmartScope> scopes,
                     List<String> roleIds, String tokenId, String fhirUserBase) {
    public static final Caller ANONYMOUS = new Caller(null, null, null, null, List.of(), List.of(), null, null);

    public boolean anonymous() {
        return clientId == null;
    }

    public Caller withRoles(List<String> roles) {
        return new Caller(clientId, user, patientId, practitionerId, scopes, List.copyOf(roles), tokenId, fhirUserBase);
    }

    /** Practitioner/ID and each PractitionerRole/ID, as the OR-values of a reference criterion. */
    String practitionerReferences() {
        return String.join(",", practitionerReferenceList());
    }

    /** Practitioner/ID and each PractitionerRole/ID: who a care relationship may name. */
    public java.util.List<String> practitionerReferenceList() {
        java.util.List<String> refs = new java.util.ArrayList<>();
        refs.add("Practitioner/" + practitionerId);
        roleIds.forEach(id -> refs.add("PractitionerRole/" + id));
        return java.util.List.copyOf(refs);
    }
}
