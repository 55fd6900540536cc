package org.hygie.fhir.web;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.hygie.fhir.storage.ResourceService;
import org.hygie.fhir.storage.search.SearchQuery;
import org.hygie.fhir.storage.search.SearchRequestParser;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;

/**
 * Patient, and compartment searches ({@code [base]/Patient/id/Appointment?...}, R4 patient compartment) for
 * the compartment types Hygie holds. A resource is in the compartment of the patient it belongs to (its data
 * key and access unit: the first patient it names), which is what these searches match; the caller's access
 * restrictions apply as to any search.
 */
public class PatientProvider extends ResourceTypeProvider {
    private final ResourceService service;
    private final SearchRequestParser parser;

    public PatientProvider(FhirContext fhirContext, ResourceService service, SearchRequestParser parser, HistoryRequests history,
                           org.hygie.fhir.validation.Validation validation) {
        super(fhirContext, "Patient", service, parser, history, validation);
        this.service = service;
        this.parser = parser;
    }

    @Search(compartmentName = "Appointment", allowUnknownParams = true)
    public Bundle appointments(@IdParam IdType patient, RequestDetails request) {
        return inCompartment("Appointment", patient, request);
    }

    @Search(compartmentName = "AppointmentResponse", allowUnknownParams = true)
    public Bundle appointmentResponses(@IdParam IdType patient, RequestDetails request) {
        return inCompartment("AppointmentResponse", patient, request);
    }

    @Search(compartmentName = "DocumentReference", allowUnknownParams = true)
    public Bundle documentReferences(@IdParam IdType patient, RequestDetails request) {
        return inCompartment("DocumentReference", patient, request);
    }

    @Search(compartmentName = "List", allowUnknownParams = true)
    public Bundle lists(@IdParam IdType patient, RequestDetails request) {
        return inCompartment("List", patient, request);
    }

    @Search(compartmentName = "AuditEvent", allowUnknownParams = true)
    public Bundle auditEvents(@IdParam IdType patient, RequestDetails request) {
        return inCompartment("AuditEvent", patient, request);
    }

    private Bundle inCompartment(String type, IdType patient, RequestDetails request) {
        SearchQuery query = parser.parse(type, request.getParameters(), RequestParams.lenient(request), request.getFhirServerBase());
        ResourceService.Found found = service.search(service.inCompartment(query, RequestParams.key("Patient", patient).id()));
        return ResultBundles.searchset(request, "Patient/" + patient.getIdPart() + "/" + type, found, query);
    }
}
