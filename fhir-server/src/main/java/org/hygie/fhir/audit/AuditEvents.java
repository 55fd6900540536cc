package org.hygie.fhir.audit;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.hygie.fhir.security.Caller;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

/**
 * Builds AuditEvents after the IHE BALP patterns for RESTful access (Read, Query, Create, Update, Delete,
 * each in its Patient variant): type rest, the restful-interaction subtype, client and server agents,
 * the user as requestor, the patient entity, one data entity per resource and, for a query, the query.
 * Pure: everything it records is passed in.
 */
public final class AuditEvents {
    static final String DCM = "http://dicom.nema.org/resources/ontology/DCM";
    private static final String INTERACTION = "http://hl7.org/fhir/restful-interaction";
    private static final String ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
    private static final String ENTITY_ROLE = "http://terminology.hl7.org/CodeSystem/object-role";
    static final String CLIENT_ID_SYSTEM = "urn:hygie:oauth-client-id";

    private AuditEvents() {}

    /**
     * One access to one patient's data.
     *
     * @param caller     null when the server acted on its own (e.g. an expired hold cancelled)
     * @param action     C, R, U, D or E
     * @param subtype    restful-interaction code: read, vread, history-instance, search-type, create, update, delete, operation...
     * @param references what was accessed, as Type/id (versioned where known)
     * @param query      the raw query string of a search, or null
     */
    public record Access(Caller caller, String clientAddress, String requestId, String action, String subtype, String patientId,
                         List<String> references, String query, Instant recorded) {}

    /**
     * A key operation (master or index key rotation, crypto-shredding): DICOM Security Alert / Security
     * Configuration, by the operator account that ran the command. A shredded patient is named by
     * identifier, not reference: the record must outlive the patient's compartment and key.
     */
    public static AuditEvent keyOperation(String description, String shreddedPatientId, String operator, Instant recorded) {
        AuditEvent event = new AuditEvent();
        event.getType().setSystem(DCM).setCode("110113").setDisplay("Security Alert");
        event.addSubtype(new Coding(DCM, "110129", "Security Configuration"));
        event.setAction(AuditEvent.AuditEventAction.E);
        event.setRecorded(Date.from(recorded));
        event.setOutcome(AuditEvent.AuditEventOutcome._0);
        event.setOutcomeDesc(description);
        AuditEvent.AuditEventAgentComponent agent = event.addAgent();
        agent.setRequestor(true);
        agent.getWho().setIdentifier(new Identifier().setSystem("urn:hygie:operator").setValue(operator));
        agent.getType().addCoding(new Coding(DCM, "110150", "Application"));
        event.getSource().setObserver(new Reference().setDisplay("Hygie key command"))
                .addType(new Coding("http://terminology.hl7.org/CodeSystem/security-source-type", "4", "Application Server"));
        if (shreddedPatientId != null) {
            AuditEvent.AuditEventEntityComponent patient = event.addEntity();
            patient.getWhat().setIdentifier(new Identifier().setSystem("urn:hygie:patient-id").setValue(shreddedPatientId));
            patient.setType(new Coding(ENTITY_TYPE, "1", "Person"));
            patient.setRole(new Coding(ENTITY_ROLE, "1", "Patient"));
        }
        return event;
    }

    public static AuditEvent of(Access access) {
        AuditEvent event = new AuditEvent();
        event.getType().setSystem("http://terminology.hl7.org/CodeSystem/audit-event-type").setCode("rest").setDisplay("Restful Operation");
        event.addSubtype(new Coding(INTERACTION, access.subtype(), null));
        event.setAction(AuditEvent.AuditEventAction.fromCode(access.action()));
        event.setRecorded(Date.from(access.recorded()));
        event.setOutcome(AuditEvent.AuditEventOutcome._0);
        boolean clientIsSource = !access.action().equals("R");
        Caller caller = access.caller();
        AuditEvent.AuditEventAgentComponent client = event.addAgent();
        client.getType().addCoding(new Coding(DCM, clientIsSource ? "110153" : "110152", clientIsSource ? "Source Role ID" : "Destination Role ID"));
        client.setRequestor(false);
        if (caller != null && !caller.anonymous()) {
            client.getWho().setIdentifier(new Identifier().setSystem(CLIENT_ID_SYSTEM).setValue(caller.clientId()));
        } else {
            client.getWho().setDisplay(caller == null ? "Hygie (server-initiated)" : "anonymous");
        }
        if (access.clientAddress() != null) {
            client.getNetwork().setAddress(access.clientAddress()).setType(AuditEvent.AuditEventAgentNetworkType._2);
        }
        AuditEvent.AuditEventAgentComponent server = event.addAgent();
        server.getType().addCoding(new Coding(DCM, clientIsSource ? "110152" : "110153", clientIsSource ? "Destination Role ID" : "Source Role ID"));
        server.setRequestor(false);
        server.getWho().setDisplay("Hygie FHIR server");
        if (caller != null && (caller.practitionerId() != null || caller.user() != null)) {
            AuditEvent.AuditEventAgentComponent user = event.addAgent();
            user.getType().addCoding(new Coding("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP", "information recipient"));
            user.setRequestor(true);
            if (caller.practitionerId() != null) {
                user.setWho(new Reference("Practitioner/" + caller.practitionerId()));
            } else {
                user.getWho().setIdentifier(new Identifier().setSystem("urn:hygie:token-subject").setValue(caller.user()));
            }
        } else {
            client.setRequestor(true);
        }
        event.getSource().setObserver(new Reference().setDisplay("Hygie FHIR server"))
                .addType(new Coding("http://terminology.hl7.org/CodeSystem/security-source-type", "4", "Application Server"));
        if (access.requestId() != null) {
            AuditEvent.AuditEventEntityComponent transaction = event.addEntity();
            transaction.getType().setSystem("https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType").setCode("XrequestId");
            transaction.getWhat().setIdentifier(new Identifier().setValue(access.requestId()));
        }
        AuditEvent.AuditEventEntityComponent patient = event.addEntity();
        patient.setWhat(new Reference("Patient/" + access.patientId()));
        patient.setType(new Coding(ENTITY_TYPE, "1", "Person"));
        patient.setRole(new Coding(ENTITY_ROLE, "1", "Patient"));
        for (String reference : access.references()) {
            AuditEvent.AuditEventEntityComponent data = event.addEntity();
            data.setWhat(new Reference(reference));
            data.setType(new Coding(ENTITY_TYPE, "2", "System Object"));
            data.setRole(new Coding(ENTITY_ROLE, "4", "Domain Resource"));
        }
        if (access.query() != null) {
            AuditEvent.AuditEventEntityComponent query = event.addEntity();
            query.setType(new Coding(ENTITY_TYPE, "2", "System Object"));
            query.setRole(new Coding(ENTITY_ROLE, "24", "Query"));
            query.setQuery(access.query().getBytes(StandardCharsets.UTF_8)); // base64Binary: the raw query, as BALP asks
        }
        return event;
    }
}
