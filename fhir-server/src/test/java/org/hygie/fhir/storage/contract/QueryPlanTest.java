package org.hygie.fhir.storage.contract;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.hygie.fhir.types.ResourceTypes;
import org.hygie.fhir.config.Storage;
import org.hygie.fhir.storage.jdbc.JdbcResourceStore;
import org.hygie.fhir.storage.search.QueryString;
import org.hygie.fhir.storage.search.SearchQuery;
import org.hygie.fhir.testsupport.TestCrypto;
import org.hygie.fhir.testsupport.TestDatabases;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Every access path of the main directory, slot and appointment queries has an index: with sequential
 * scans priced out ({@code enable_seqscan=off}), their plans contain none. (At this test's scale the
 * planner rightly prefers sequential scans; what matters is that it has a choice at a million rows.)
 * Also: a chain through clear references is joined in SQL, with no cap on how many resources its
 * inner part matches.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryPlanTest {
    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final String SPECIALTY = "https://mos.esante.gouv.fr/NOS/TRE_R38-SpecialiteOrdinale/FHIR/TRE-R38-SpecialiteOrdinale";
    private static final int ROLES = 1200;
    private Storage storage;
    private JdbcTemplate jdbc;
    private String patientId;

    @BeforeAll
    void load() {
        DataSource db = TestDatabases.freshEmbedded();
        storage = Storage.assemble(FHIR, ResourceTypes.ALL, db, TestCrypto.encrypted(), org.hygie.fhir.booking.SlotAvailabilityProjection.all());
        jdbc = new JdbcTemplate(db);
        List<IBaseResource> batch = new ArrayList<>();
        Location paris = new Location();
        paris.setName("Cabinet").getAddress().setCity("Paris").setPostalCode("75011");
        String location = create(paris);
        Patient patient = new Patient();
        patient.addName().setFamily("Plan");
        patientId = create(patient).substring("Patient/".length());
        Instant start = Instant.parse("2027-03-01T08:00:00Z");
        for (int i = 0; i < ROLES; i++) {
            Practitioner doctor = new Practitioner();
            doctor.addName().setFamily("Docteur" + i);
            String practitioner = create(doctor);
            PractitionerRole role = new PractitionerRole();
            role.setPractitioner(new Reference(practitioner));
            role.addLocation(new Reference(location));
            role.addSpecialty(new CodeableConcept(new Coding(SPECIALTY, i % 10 == 0 ? "SM04" : "SM54", null)));
            Schedule schedule = new Schedule();
            schedule.addActor(new Reference(create(role)));
            String scheduleRef = create(schedule);
            for (int s = 0; s < 4; s++) {
                Slot slot = new Slot();
                slot.setSchedule(new Reference(scheduleRef));
                slot.setStatus(s == 0 ? Slot.SlotStatus.BUSY : Slot.SlotStatus.FREE);
                slot.setStartElement(new InstantType(start.plusSeconds(900L * (i % 40) + 86_400L * s).toString()));
                slot.setEndElement(new InstantType(start.plusSeconds(900L * (i % 40) + 86_400L * s + 900).toString()));
                create(slot);
            }
            if (i < 30) {
                Appointment a = new Appointment();
                a.setStatus(Appointment.AppointmentStatus.BOOKED);
                a.addParticipant().setActor(new Reference("Patient/" + patientId)).setStatus(Appointment.ParticipationStatus.ACCEPTED);
                a.addParticipant().setActor(new Reference(practitioner)).setStatus(Appointment.ParticipationStatus.ACCEPTED);
                create(a);
            }
        }
        new JdbcTemplate(db).execute("analyze");
    }

    @AfterAll
    void close() {
        TestDatabases.closeAll();
    }

    private String create(IBaseResource resource) {
        return storage.service().inTransaction(w -> storage.service().create(resource, null, "http://h/fhir", w)).key().toString();
    }

    private SearchQuery query(String type, String q) {
        return storage.searchParser().parse(type, QueryString.parse(q), false, "http://h/fhir");
    }

    private String plan(String type, String q) {
        SearchQuery stored = storage.service().asStored(query(type, q));
        return storage.transactions().execute(s -> {
            jdbc.execute("set local enable_seqscan = off");
            return ((JdbcResourceStore) storage.store()).explain(stored);
        });
    }

    @Test
    void broadClearChainsAreJoinedNotCapped() {
        var found = storage.service().search(query("Slot",
                "status=free&start=ge2027-03-02T00:00:00Z&start=lt2027-03-03T00:00:00Z&schedule.actor:PractitionerRole.specialty=" + SPECIALTY + "|SM54&_count=5"));
        assertThat(found.total()).isEqualTo(ROLES - ROLES / 10);
        assertThat(found.resources()).hasSize(5);
    }

    @Test
    void freeSlotQueryUsesIndexes() {
        String plan = plan("Slot", "status=free&start=ge2027-03-02T00:00:00Z&start=lt2027-03-02T12:00:00Z"
                + "&schedule.actor:PractitionerRole.specialty=" + SPECIALTY + "|SM04");
        assertThat(plan).contains("slot_specialty_range_idx").doesNotContain("Seq Scan");
    }

    @Test
    void soonestFreeSlotsOfASpecialtyComeInIndexOrder() {
        String plan = plan("Slot", "status=free&start=ge2027-03-02T00:00:00Z&schedule.actor:PractitionerRole.specialty=" + SPECIALTY
                + "|SM54&_sort=start&_count=5");
        // the range is already in start order: a page needs no sort of every match
        assertThat(plan).contains("slot_specialty_range_idx").contains("Incremental Sort").doesNotContain("Seq Scan");
        var found = storage.service().search(query("Slot", "status=free&start=ge2027-03-02T00:00:00Z&schedule.actor:PractitionerRole.specialty="
                + SPECIALTY + "|SM54&_sort=start&_count=5&_total=none"));
        assertThat(found.resources()).extracting(r -> ((Slot) r).getStart()).isSorted().hasSize(5);
    }

    @Test
    void freeSlotQueryOfOnePractitionerUsesIndexes() {
        String plan = plan("Slot", "status=free&start=ge2027-03-02T00:00:00Z&start=lt2027-03-06T00:00:00Z"
                + "&schedule.actor:PractitionerRole.practitioner.family=Docteur7");
        assertThat(plan).contains("slot_availability_schedule_idx").doesNotContain("Seq Scan");
    }

    @Test
    void directoryQueryBySpecialtyAndCityUsesIndexes() {
        String plan = plan("PractitionerRole", "specialty=" + SPECIALTY + "|SM04&location.address-city=paris");
        assertThat(plan).contains("Index").doesNotContain("Seq Scan");
        assertThat(storage.service().search(query("PractitionerRole", "specialty=" + SPECIALTY + "|SM04&location.address-city=paris")).total())
                .isEqualTo(ROLES / 10);
    }

    @Test
    void aPatientsAppointmentListUsesTheBlindIndex() {
        String plan = plan("Appointment", "patient=Patient/" + patientId + "&date=ge2020-01-01");
        assertThat(plan).contains("idx_blind").doesNotContain("Seq Scan");
        assertThat(storage.service().search(query("Appointment", "patient=Patient/" + patientId)).total()).isEqualTo(30);
    }

}
