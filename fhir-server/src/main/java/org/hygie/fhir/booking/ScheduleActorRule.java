package org.hygie.fhir.booking;

import static org.hygie.fhir.error.FhirErrors.unprocessable;

import java.util.List;
import java.util.function.Supplier;
import org.hygie.fhir.storage.ResourceStore;
import org.hygie.fhir.storage.WriteRule;
import org.hygie.fhir.storage.WriteSet;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Schedule;

/** Schedules are published: one whose actor is a patient (or their relative) would publish that person's agenda. */
final class ScheduleActorRule implements WriteRule {
    @Override
    public String resourceType() {
        return "Schedule";
    }

    @Override
    public void beforeWrite(ResourceStore.Key key, Supplier<IBaseResource> previous, IBaseResource next, WriteSet writes) {
        if (next == null) {
            return;
        }
        List<Reference> actors = ((Schedule) next).getActor();
        for (int i = 0; i < actors.size(); i++) {
            String type = actors.get(i).getReferenceElement().getResourceType();
            if ("Patient".equals(type) || "RelatedPerson".equals(type)) {
                throw unprocessable("Schedule.actor[" + i + "] is a " + type + ": Schedules and their Slots are public directory"
                        + " data in Hygie, for practitioners, roles, services, locations and devices", "Schedule.actor[" + i + "]");
            }
        }
    }
}
