package org.hygie.fhir.web;

import static org.hygie.fhir.error.FhirErrors.badRequest;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.Date;
import java.util.List;
import org.hygie.fhir.booking.BookingService;
import org.hygie.fhir.config.HygieProperties;
import org.hygie.fhir.types.Canonicals;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;

/**
 * IHE ITI Scheduling operations on Appointment (ITI-115 $find, ITI-116 $hold, ITI-117 $book): bindings only.
 * Their OperationDefinitions in ig/ are based on IHE's and say which inputs Hygie supports.
 */
public class AppointmentOperations {
    /** The operations, with their OperationDefinitions' canonicals (under the deployment's canonical base). */
    public static List<CapabilityStatementProvider.DeclaredOperation> declared() {
        return List.of(
                new CapabilityStatementProvider.DeclaredOperation("Appointment", "find", Canonicals.url("OperationDefinition/Appointment-find")),
                new CapabilityStatementProvider.DeclaredOperation("Appointment", "hold", Canonicals.url("OperationDefinition/Appointment-hold")),
                new CapabilityStatementProvider.DeclaredOperation("Appointment", "book", Canonicals.url("OperationDefinition/Appointment-book")));
    }

    private final BookingService booking;
    private final HygieProperties.Search paging;

    public AppointmentOperations(BookingService booking, HygieProperties.Search paging) {
        this.booking = booking;
        this.paging = paging;
    }

    /** ITI-115, POST or GET (it changes nothing): a searchset of proposals, paged ({@code _count}, {@code _offset}) with links. */
    @Operation(name = "$find", type = Appointment.class, idempotent = true)
    public Bundle find(@OperationParam(name = "start", min = 1) DateTimeType start,
                       @OperationParam(name = "end", min = 1) DateTimeType end,
                       @OperationParam(name = "specialty") List<StringType> specialty,
                       @OperationParam(name = "visit-type") List<StringType> visitType,
                       @OperationParam(name = "practitioner") List<Reference> practitioner,
                       @OperationParam(name = "organization") List<Reference> organization,
                       @OperationParam(name = "location-string") List<StringType> locationString,
                       @OperationParam(name = "location-reference") List<Reference> locationReference,
                       @OperationParam(name = "patient-reference") List<Reference> patientReference,
                       RequestDetails request) {
        int count = RequestParams.intParam(request, "_count", paging.defaultPageSize(), paging.maxPageSize());
        int offset = RequestParams.intParam(request, "_offset", 0, Integer.MAX_VALUE);
        BookingService.FindRequest find = new BookingService.FindRequest(date(start), date(end), strings(specialty), strings(visitType),
                references(practitioner), references(organization), references(locationReference), strings(locationString),
                references(patientReference), count, offset);
        BookingService.Proposals proposals = booking.find(find, request.getFhirServerBase());
        Bundle bundle = bundle(request, proposals.appointments());
        bundle.setTotal(proposals.total());
        bundle.getMeta().addProfile("https://profiles.ihe.net/ITI/Scheduling/StructureDefinition/ihe-sched-avail-bundle");
        // the links are GETs with the inputs as query parameters, also when this request was a POST
        java.util.Map<String, String[]> inputs = new java.util.LinkedHashMap<>();
        inputs.put("start", new String[] {start.getValueAsString()});
        inputs.put("end", new String[] {end.getValueAsString()});
        put(inputs, "specialty", strings(specialty));
        put(inputs, "visit-type", strings(visitType));
        put(inputs, "practitioner", references(practitioner));
        put(inputs, "organization", references(organization));
        put(inputs, "location-string", strings(locationString));
        put(inputs, "location-reference", references(locationReference));
        put(inputs, "patient-reference", references(patientReference));
        ResultBundles.addOffsetLinks(bundle, request, "Appointment/$find", inputs, count, offset, proposals.appointments().size(),
                offset + proposals.appointments().size() < proposals.total());
        return bundle;
    }

    @Operation(name = "$hold", type = Appointment.class, idempotent = false)
    public Bundle hold(@OperationParam(name = "appointment-reference", min = 1) Reference appointment, RequestDetails request) {
        if (appointment == null || appointment.getReference() == null) {
            throw badRequest("$hold needs appointment-reference (an Appointment from $find, or a proposed one)", "appointment-reference");
        }
        return bundle(request, List.of(booking.hold(appointment.getReference(), request.getFhirServerBase(), actingPatient())));
    }

    @Operation(name = "$book", type = Appointment.class, idempotent = false)
    public Bundle book(@OperationParam(name = "appointment-reference") Reference reference,
                       @OperationParam(name = "appointment-resource") Appointment resource,
                       @OperationParam(name = "patient-resource") List<Patient> patients,
                       @OperationParam(name = "comment") StringType comment,
                       @OperationParam(name = "booked-by") Reference bookedBy,
                       RequestDetails request) {
        Appointment booked = booking.book(reference == null ? null : reference.getReference(), resource,
                patients == null ? List.of() : patients, comment == null ? null : comment.getValue(),
                bookedBy == null ? null : bookedBy.getReference(), request.getFhirServerBase(), actingPatient());
        return bundle(request, List.of(booked));
    }

    /** The patient a patient-facing app acts for (null for practitioners and system clients). */
    private static String actingPatient() {
        org.hygie.fhir.security.Caller caller = org.hygie.fhir.security.CurrentCaller.get();
        return caller == null || caller.practitionerId() != null ? null : caller.patientId();
    }

    private static Bundle bundle(RequestDetails request, List<Appointment> appointments) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET);
        bundle.setTotal(appointments.size());
        for (Resource a : appointments) {
            bundle.addEntry().setFullUrl(request.getFhirServerBase() + "/Appointment/" + a.getIdElement().getIdPart())
                    .setResource(a).getSearch().setMode(Bundle.SearchEntryMode.MATCH);
        }
        return bundle;
    }

    private static void put(java.util.Map<String, String[]> inputs, String name, List<String> values) {
        if (!values.isEmpty()) {
            inputs.put(name, values.toArray(String[]::new));
        }
    }

    private static Date date(DateTimeType value) {
        return value == null ? null : value.getValue();
    }

    private static List<String> strings(List<? extends PrimitiveType<?>> values) {
        return values == null ? List.of() : values.stream().map(PrimitiveType::getValueAsString).toList();
    }

    private static List<String> references(List<Reference> values) {
        return values == null ? List.of() : values.stream().map(Reference::getReference).toList();
    }
}
