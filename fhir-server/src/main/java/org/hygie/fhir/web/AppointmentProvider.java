package org.hygie.fhir.web;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Read;
import org.hygie.fhir.booking.BookingService;
import org.hygie.fhir.storage.ResourceService;
import org.hygie.fhir.storage.search.SearchRequestParser;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;

/**
 * Appointment: as any type, and {@code Appointment/find-<slot>}, the proposals $find returns, readable while
 * their slot is free (their fullUrl resolves; $hold takes them by reference).
 */
public class AppointmentProvider extends ResourceTypeProvider {
    private final BookingService booking;

    public AppointmentProvider(FhirContext fhirContext, ResourceService service, SearchRequestParser parser, HistoryRequests history,
                               org.hygie.fhir.validation.Validation validation, BookingService booking) {
        super(fhirContext, "Appointment", service, parser, history, validation);
        this.booking = booking;
    }

    @Override
    @Read(version = true)
    public IBaseResource read(@IdParam IIdType id) {
        if (id.getIdPart() != null && id.getIdPart().startsWith(BookingService.PROPOSAL_PREFIX) && !id.hasVersionIdPart()) {
            return booking.proposal(id.getIdPart());
        }
        return super.read(id);
    }
}
