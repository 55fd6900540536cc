package org.hygie.fhir.config;

import java.util.List;

/** The resource types this server holds. Everything else (providers, search registry, CapabilityStatement) follows from it. */
public final class ResourceTypes {
    public static final List<String> ALL = List.of(
            "Patient", "Practitioner", "PractitionerRole", "Organization", "Location", "HealthcareService",
            "Schedule", "Slot", "Appointment", "AppointmentResponse", "DocumentReference", "Binary", "List",
            "AuditEvent",
            // conformance resources: the ig/ and terminology/ packages are published as these (ConformancePublisher)
            "StructureDefinition", "SearchParameter", "OperationDefinition", "CodeSystem", "ValueSet", "CapabilityStatement");

    private ResourceTypes() {}
}
