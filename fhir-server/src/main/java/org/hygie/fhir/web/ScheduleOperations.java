package org.hygie.fhir.web;

import static org.hygie.fhir.error.FhirErrors.badRequest;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import org.hygie.fhir.booking.SlotGeneration;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.StringType;

/** {@code Schedule/{id}/$generate-slots}: bindings only (see {@link SlotGeneration}). */
public class ScheduleOperations {
    public static java.util.List<CapabilityStatementProvider.DeclaredOperation> declared() {
        return java.util.List.of(new CapabilityStatementProvider.DeclaredOperation("Schedule", "generate-slots",
                org.hygie.fhir.types.Canonicals.url("OperationDefinition/Schedule-generate-slots")));
    }

    private final SlotGeneration generation;

    public ScheduleOperations(SlotGeneration generation) {
        this.generation = generation;
    }

    @Operation(name = "$generate-slots", type = Schedule.class, idempotent = false)
    public Parameters generateSlots(@IdParam IdType id,
                                    @OperationParam(name = "start") DateType start,
                                    @OperationParam(name = "end") DateType end,
                                    @OperationParam(name = "slot-minutes") IntegerType slotMinutes,
                                    @OperationParam(name = "buffer-minutes") IntegerType bufferMinutes,
                                    @OperationParam(name = "time-zone") CodeType timeZone,
                                    RequestDetails request) {
        SlotGeneration.Result result = generation.generate(id.getIdPart(), date(start, "start"), date(end, "end"),
                slotMinutes == null ? 15 : slotMinutes.getValue(), bufferMinutes == null ? 0 : bufferMinutes.getValue(),
                timeZone == null ? null : timeZone.getValue(), request.getFhirServerBase());
        Parameters out = new Parameters();
        out.addParameter("created", new IntegerType(result.created()));
        out.addParameter("kept", new IntegerType(result.kept()));
        out.addParameter("start", new DateType(result.from().toString()));
        out.addParameter("end", new DateType(result.to().toString()));
        out.addParameter("time-zone", new StringType(result.zone().getId()));
        return out;
    }

    /** A whole day ({@code end} is exclusive). */
    private static LocalDate date(DateType value, String name) {
        if (value == null || value.getValueAsString() == null) {
            return null;
        }
        try {
            return LocalDate.parse(value.getValueAsString());
        } catch (DateTimeParseException e) {
            throw badRequest(name + " must be a full date (YYYY-MM-DD), not '" + value.getValueAsString() + "'", name);
        }
    }
}
