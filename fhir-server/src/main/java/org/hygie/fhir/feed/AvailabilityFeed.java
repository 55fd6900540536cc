package org.hygie.fhir.feed;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.hygie.fhir.storage.ResourceService;
import org.hygie.fhir.storage.search.SearchRequestParser;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;
import org.hygie.fhir.types.ResourceTypes;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The open availability feed (SMART Scheduling Links / FHIR Bulk Publish): Location, Schedule and Slot as
 * NDJSON, streamed page by page (bounded memory at any size). It carries no patient data: a Schedule
 * whose actor is a patient (a patient's own agenda) is left out, and so are its slots.
 */
public final class AvailabilityFeed {
    public static final List<String> TYPES = ResourceTypes.feedTypes();
    private static final int PAGE = 1000;

    private final FhirContext fhirContext;
    private final ResourceService service;
    private final SearchRequestParser parser;
    private final JdbcTemplate jdbc;

    public AvailabilityFeed(FhirContext fhirContext, ResourceService service, SearchRequestParser parser, JdbcTemplate jdbc) {
        this.fhirContext = fhirContext;
        this.service = service;
        this.parser = parser;
        this.jdbc = jdbc;
    }

    /** Changes whenever a resource of the feed is created, updated or deleted: for ETag / If-None-Match. */
    public String version() {
        Map<String, Object> row = jdbc.queryForMap("select count(*) as n, max(last_updated) as t, max(pk) as p from resource"
                + " where res_type = any (?) and not deleted", (Object) TYPES.toArray(String[]::new));
        return Integer.toHexString((row.get("n") + "|" + row.get("t") + "|" + row.get("p")).hashCode());
    }

    /** Writes one NDJSON line per live resource of {@code type} changed at or after {@code since} (null: all). */
    public void write(String type, Instant since, String serverBase, Writer out) {
        IParser json = fhirContext.newJsonParser().setPrettyPrint(false);
        Set<String> patientSchedules = type.equals("Location") ? Set.of() : patientSchedules(serverBase);
        each(type, since, serverBase, resource -> {
            if (resource instanceof Schedule s && patientSchedules.contains(s.getIdElement().getIdPart())) {
                return;
            }
            if (resource instanceof Slot s && patientSchedules.contains(s.getSchedule().getReferenceElement().getIdPart())) {
                return;
            }
            try {
                out.write(json.encodeResourceToString(resource));
                out.write('\n');
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private Set<String> patientSchedules(String serverBase) {
        Set<String> ids = new HashSet<>();
        each("Schedule", null, serverBase, r -> {
            for (Reference actor : ((Schedule) r).getActor()) {
                if (ResourceTypes.PATIENT_TARGETS.contains(actor.getReferenceElement().getResourceType())) {
                    ids.add(r.getIdElement().getIdPart());
                }
            }
        });
        return ids;
    }

    private void each(String type, Instant since, String serverBase, Consumer<IBaseResource> action) {
        Map<String, String[]> params = new LinkedHashMap<>();
        params.put("_count", new String[] {Integer.toString(PAGE)});
        if (since != null) {
            params.put("_lastUpdated", new String[] {"ge" + new InstantType(java.util.Date.from(since)).getValueAsString()});
        }
        service.each(parser.parse(type, params, false, serverBase), action);
    }
}
