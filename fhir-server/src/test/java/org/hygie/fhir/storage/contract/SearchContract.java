package org.hygie.fhir.storage.contract;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.hygie.fhir.types.ResourceTypes;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import org.hygie.fhir.crypto.CryptoSettings;
import org.hygie.fhir.testsupport.TestCrypto;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import org.hygie.fhir.storage.ResourceService;
import org.hygie.fhir.config.Storage;
import org.hygie.fhir.storage.search.QueryString;
import org.hygie.fhir.storage.search.SearchQuery;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Search semantics as a table: each row is a query and the fixture resources it must return (any order),
 * covering every parameter kind, prefix, modifier and precision case the store answers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class SearchContract {
    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final String BASE = "http://localhost/fhir";
    private static final String INS = "urn:oid:1.2.250.1.213.1.4.8";
    private static final String SPECIALTY = "https://mos.esante.gouv.fr/NOS/TRE_R38-SpecialiteOrdinale/FHIR/TRE-R38-SpecialiteOrdinale";

    private Storage storage;
    /** fixture alias -> "Type/id"; ids are fresh per run, so a shared database does not disturb the table. */
    private final Map<String, String> ids = new HashMap<>();
    private final Map<String, String> aliases = new HashMap<>();
    /** Scopes every query to this run's fixtures. */
    private String tag;

    protected abstract DataSource dataSource();

    protected CryptoSettings crypto() {
        return TestCrypto.encrypted();
    }

    private boolean encrypted() {
        return crypto().mode() == CryptoSettings.Mode.ENCRYPTED;
    }

    @BeforeAll
    void loadFixtures() {
        storage = Storage.assemble(FHIR, ResourceTypes.ALL, dataSource(), crypto(), org.hygie.fhir.booking.SlotAvailabilityProjection.all());
        tag = "run-" + System.nanoTime();

        Patient p1 = new Patient();
        p1.addName().setFamily("Dupont").addGiven("Hélène");
        p1.addIdentifier().setSystem(INS).setValue("2800599123456");
        p1.setBirthDateElement(new DateType("1980-05-01"));
        p1.setGender(Enumerations.AdministrativeGender.FEMALE);
        p1.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue("0612345678");
        p1.addAddress().setCity("Paris").setPostalCode("75011");
        p1.setActive(true);
        p1.getMeta().addProfile("https://hygie.example/StructureDefinition/patient");
        p1.getMeta().setSource("urn:hygie:source:portal");
        save("P1", p1);

        Patient p2 = new Patient();
        p2.addName().setFamily("Durand").addGiven("Jean");
        p2.addIdentifier().setSystem("urn:test:a").setValue("X1");
        p2.setBirthDateElement(new DateType("1975-12-31"));
        p2.setGender(Enumerations.AdministrativeGender.MALE);
        p2.addAddress().setCity("Lyon").setPostalCode("69001");
        save("P2", p2);

        Patient p3 = new Patient();
        p3.addName().setFamily("Martin").addGiven("Zoé");
        p3.setBirthDateElement(new DateType("2001"));
        p3.setGender(Enumerations.AdministrativeGender.OTHER);
        p3.setDeceased(new DateTimeType("2020-01-01T10:00:00Z"));
        save("P3", p3);

        Schedule schedule = new Schedule();
        schedule.addActor(new Reference(ids.get("P1"))); // any actor will do for the table
        schedule.addSpecialty(new CodeableConcept(new Coding(SPECIALTY, "SM54", "Médecine générale")));
        save("SCH", schedule);

        Practitioner doctor = new Practitioner();
        doctor.addName().setFamily("Martin").addGiven("Paul");
        doctor.addIdentifier().setSystem("https://rpps.esante.gouv.fr").setValue("10101010101");
        save("DR", doctor);
        PractitionerRole role = new PractitionerRole();
        role.setPractitioner(new Reference(ids.get("DR")));
        role.addSpecialty(new CodeableConcept(new Coding(SPECIALTY, "SM54", "Médecine générale")));
        save("PR", role);
        Schedule agenda = new Schedule();
        agenda.addActor(new Reference(ids.get("PR")));
        save("SCH2", agenda);
        Slot blocked = new Slot();
        blocked.setSchedule(new Reference(ids.get("SCH2")));
        blocked.setStartElement(new InstantType("2025-01-06T08:00:00Z"));
        blocked.setEndElement(new InstantType("2025-01-06T08:15:00Z"));
        blocked.setStatus(Slot.SlotStatus.BUSYUNAVAILABLE);
        save("S4", blocked);

        Location paris = new Location();
        paris.setName("Cabinet Bastille").getPosition().setLatitude(48.8532).setLongitude(2.3692);
        save("LPARIS", paris);
        Location lyon = new Location();
        lyon.setName("Cabinet Bellecour").getPosition().setLatitude(45.7578).setLongitude(4.8320);
        save("LLYON", lyon);
        DocumentReference first = new DocumentReference();
        first.setStatus(Enumerations.DocumentReferenceStatus.SUPERSEDED);
        first.setSubject(new Reference(ids.get("P1")));
        first.addExtension("https://interop.esante.gouv.fr/ig/fhir/pdsm/StructureDefinition/pdsm-ext-is-archived", new org.hl7.fhir.r4.model.BooleanType(true));
        first.getContext().getPeriod().setStartElement(new DateTimeType("2025-11-03"));
        save("DOC1", first);
        DocumentReference second = new DocumentReference();
        second.setStatus(Enumerations.DocumentReferenceStatus.CURRENT);
        second.setSubject(new Reference(ids.get("P1")));
        second.addRelatesTo().setCode(DocumentReference.DocumentRelationshipType.REPLACES).setTarget(new Reference(ids.get("DOC1")));
        save("DOC2", second);

        save("S1", slot("2026-03-02T09:00:00+01:00", "2026-03-02T09:15:00+01:00", Slot.SlotStatus.FREE));
        save("S2", slot("2026-03-02T09:15:00+01:00", "2026-03-02T09:30:00+01:00", Slot.SlotStatus.BUSY));
        save("S3", slot("2026-03-03T14:00:00Z", "2026-03-03T14:20:00Z", Slot.SlotStatus.FREE));

        save("A1", appointment("P1", Appointment.AppointmentStatus.BOOKED, "2026-03-02T09:00:00+01:00"));
        save("A2", appointment("P2", Appointment.AppointmentStatus.PENDING, "2026-03-05T16:00:00+01:00"));
        save("A3", appointment("P1", Appointment.AppointmentStatus.CANCELLED, "2026-04-01T08:30:00+02:00"));

        org.hl7.fhir.r4.model.ListResource list = new org.hl7.fhir.r4.model.ListResource();
        list.setStatus(org.hl7.fhir.r4.model.ListResource.ListStatus.CURRENT).setMode(org.hl7.fhir.r4.model.ListResource.ListMode.WORKING);
        list.setSubject(new Reference(ids.get("P1")));
        list.addEntry().setItem(new Reference(ids.get("A1")));
        list.addEntry().setItem(new Reference(ids.get("A3")));
        list.addEntry().setItem(new Reference(ids.get("P1")));
        save("L1", list);
    }

    private Slot slot(String start, String end, Slot.SlotStatus status) {
        Slot slot = new Slot();
        slot.setSchedule(new Reference(ids.get("SCH")));
        slot.setStartElement(new InstantType(start));
        slot.setEndElement(new InstantType(end));
        slot.setStatus(status);
        return slot;
    }

    private Appointment appointment(String patient, Appointment.AppointmentStatus status, String start) {
        Appointment a = new Appointment();
        a.setStatus(status);
        a.setStartElement(new InstantType(start));
        a.setEndElement(new InstantType(new InstantType(start).getValue().toInstant().plusSeconds(900).toString()));
        a.addParticipant().setActor(new Reference(ids.get(patient))).setStatus(Appointment.ParticipationStatus.ACCEPTED);
        a.addParticipant().setActor(new Reference(ids.get("DR"))).setStatus(Appointment.ParticipationStatus.ACCEPTED);
        a.addReasonCode().setText("Douleur thoracique depuis hier");
        return a;
    }

    private void save(String alias, IBaseResource resource) {
        ((org.hl7.fhir.r4.model.Resource) resource).getMeta().addTag("urn:hygie:test-run", tag, null);
        ResourceService.Outcome outcome = storage.service().inTransaction(w -> storage.service().create(resource, null, BASE, w));
        ids.put(alias, outcome.key().toString());
        aliases.put(outcome.key().toString(), alias);
    }

    /** Runs {@code query} on this run's fixtures, {ALIAS} placeholders replaced by their ids. */
    private ResourceService.Found run(String type, String query) {
        String scoped = query.isEmpty() ? "_tag=urn:hygie:test-run|" + tag : query + "&_tag=urn:hygie:test-run|" + tag;
        for (Map.Entry<String, String> id : ids.entrySet()) {
            scoped = scoped.replace("{" + id.getKey() + "}", id.getValue().substring(id.getValue().indexOf('/') + 1));
        }
        return storage.service().search(storage.searchParser().parse(type, QueryString.parse(scoped), false, BASE));
    }

    private List<String> aliases(List<IBaseResource> resources) {
        return resources.stream().map(r -> aliases.get(r.fhirType() + "/" + r.getIdElement().getIdPart())).toList();
    }

    private List<String> search(String type, String query) {
        return aliases(run(type, query).resources());
    }

    static Stream<Arguments> table() {
        return Stream.of(
                // string: default prefix, case- and accent-insensitive; :exact; :contains
                row("Patient", "family=dup", "P1"),
                row("Patient", "family=DUP", "P1"),
                row("Patient", "family=du", "P1", "P2"),
                row("Patient", "given=helene", "P1"),
                row("Patient", "given=HÉLÈNE", "P1"),
                row("Patient", "name=zoe", "P3"),
                row("Patient", "family:exact=Dupont", "P1"),
                row("Patient", "family:exact=dupont"),
                clearOnly("Patient", "family:contains=ura", "P2"),
                row("Patient", "address-city=paris", "P1"),
                row("Patient", "address-postalcode=690", "P2"),
                row("Patient", "address=lyon", "P2"),
                // OR within a parameter, AND across repetitions and parameters
                row("Patient", "family=dup,mart", "P1", "P3"),
                row("Patient", "family=d&given=jean", "P2"),
                row("Patient", "family=d&family=dur", "P2"),
                // token
                row("Patient", "gender=female", "P1"),
                row("Patient", "gender=http://hl7.org/fhir/administrative-gender|male", "P2"),
                row("Patient", "gender=http://example.org/other-system|male"),
                row("Patient", "gender:not=male", "P1", "P3"),
                row("Patient", "identifier=" + INS + "|2800599123456", "P1"),
                row("Patient", "identifier=2800599123456", "P1"),
                clearOnly("Patient", "identifier=urn:test:a|", "P2"),
                row("Patient", "identifier=|X1"),
                row("Patient", "phone=0612345678", "P1"),
                row("Patient", "active=true", "P1"),
                row("Patient", "deceased=true", "P3"),
                row("Schedule", "specialty=" + SPECIALTY + "|SM54", "SCH"),
                row("Schedule", "specialty:text=medecine", "SCH"),
                row("Appointment", "status=booked,pending", "A1", "A2"),
                differs("Appointment", "reason-code:text=douleur", List.of("A1", "A2", "A3"), List.of()),
                // a protected :text matches the whole normalized text
                row("Appointment", "reason-code:text=douleur thoracique depuis hier", "A1", "A2", "A3"),
                // :missing
                row("Patient", "identifier:missing=true", "P3"),
                row("Patient", "identifier:missing=false", "P1", "P2"),
                row("Patient", "death-date:missing=false", "P3"),
                // date: precision and every prefix
                row("Patient", "birthdate=1980", "P1"),
                row("Patient", "birthdate=1980-05", "P1"),
                row("Patient", "birthdate=1980-05-01", "P1"),
                row("Patient", "birthdate=1980-05-02"),
                row("Patient", "birthdate=2001-06-01"),
                row("Patient", "birthdate=eq2001", "P3"),
                clearOnly("Patient", "birthdate=ne1980-05-01", "P2", "P3"),
                clearOnly("Patient", "birthdate=gt2000-06-01", "P3"),
                clearOnly("Patient", "birthdate=lt1980", "P2"),
                clearOnly("Patient", "birthdate=ge1980-05-01", "P1", "P3"),
                clearOnly("Patient", "birthdate=le1980-05-01", "P1", "P2"),
                clearOnly("Patient", "birthdate=sa2000", "P3"),
                clearOnly("Patient", "birthdate=eb1976", "P2"),
                // ap widens by 10% of the gap to now: ~4.6 years around 1980, ~8 months around 2020
                clearOnly("Patient", "birthdate=ap1980-05-03", "P1", "P2"),
                clearOnly("Patient", "death-date=ap2020-03-01", "P3"),
                clearOnly("Patient", "death-date=ap2019-01-01"),
                row("Patient", "death-date=2020-01-01", "P3"),
                clearOnly("Patient", "death-date=2020-01-01T11:00:00%2B01:00", "P3"),
                // an unencoded '+' arrives as a space: read it as the offset sign it was meant to be
                clearOnly("Patient", "death-date=2020-01-01T11:00:00+01:00", "P3"),
                clearOnly("Patient", "death-date=2020-01-01T10:00:00+01:00"),
                // date with time zones: 09:00+01:00 is 08:00Z
                row("Slot", "start=2026-03-02T08:00:00Z", "S1"),
                row("Slot", "start=ge2026-03-02T09:15:00+01:00", "S2", "S3"),
                row("Slot", "start=ge2026-03-02&start=lt2026-03-03", "S1", "S2"),
                row("Slot", "start=2026-03-02", "S1", "S2"),
                row("Slot", "status=free&start=ge2026-03-02T00:00:00Z", "S1", "S3"),
                // reference: Type/id, id, :Type, absolute local URL, chain-free
                row("Appointment", "patient=Patient/{P1}", "A1", "A3"),
                row("Appointment", "patient={P2}", "A2"),
                row("Appointment", "actor:Patient={P2}", "A2"),
                row("Appointment", "actor=" + BASE + "/Patient/{P2}", "A2"),
                row("Appointment", "patient=Patient/{P1}&status=booked", "A1"),
                row("Slot", "schedule=Schedule/{SCH}&status=free", "S1", "S3"),
                row("Appointment", "date=ge2026-03-05&date=lt2026-04", "A2"),
                // chains (any depth, :Type), through clear and through protected references
                row("Slot", "schedule.actor:PractitionerRole.specialty=" + SPECIALTY + "|SM54", "S4"),
                row("Slot", "schedule.actor:PractitionerRole.practitioner.name=martin", "S4"),
                row("Slot", "schedule.actor:PractitionerRole.practitioner.identifier=https://rpps.esante.gouv.fr|10101010101", "S4"),
                row("Slot", "schedule.actor:PractitionerRole.specialty=" + SPECIALTY + "|SM99"),
                row("Appointment", "patient.identifier=" + INS + "|2800599123456", "A1", "A3"),
                row("Appointment", "patient.family=dur", "A2"),
                row("Appointment", "patient.family=dur,dup&status=booked", "A1"),
                row("Appointment", "practitioner.family=martin&patient.gender=male", "A2"),
                // Schedule.actor is protected per value: to a patient (digest), to a role (clear), id alone (either)
                row("Schedule", "actor=Patient/{P1}", "SCH"),
                row("Schedule", "actor=PractitionerRole/{PR}", "SCH2"),
                row("Schedule", "actor={P1}", "SCH"),
                row("Schedule", "actor={PR},{P1}", "SCH", "SCH2"),
                row("Schedule", "actor:missing=true"),
                row("Schedule", "actor:Patient.family=dup", "SCH"),
                row("Schedule", "actor:PractitionerRole.specialty=" + SPECIALTY + "|SM54", "SCH2"),
                // _has (reverse chaining), nested
                row("Practitioner", "_has:PractitionerRole:practitioner:specialty=" + SPECIALTY + "|SM54", "DR"),
                row("Patient", "_has:Appointment:patient:status=booked", "P1"),
                row("Patient", "_has:Appointment:patient:status=booked,pending", "P1", "P2"),
                row("Patient", "_has:Appointment:patient:status=noshow"),
                row("Practitioner", "_has:PractitionerRole:practitioner:_has:Schedule:actor:_id={SCH2}", "DR"),
                // _list: the items of a List, of the searched type
                row("Appointment", "_list={L1}", "A1", "A3"),
                row("Appointment", "_list=List/{L1}&status=cancelled", "A3"),
                row("Patient", "_list={L1}", "P1"),
                row("Practitioner", "_list={L1}"),
                row("Appointment", "_list=no-such-list"),
                // near (great-circle distance; Paris-Lyon is about 392 km)
                row("Location", "near=48.8566|2.3522|5|km", "LPARIS"),
                row("Location", "near=48.8566|2.3522|300|km", "LPARIS"),
                row("Location", "near=48.8566|2.3522|400|km", "LPARIS", "LLYON"),
                row("Location", "near=48.8566|2.3522|400000|m", "LPARIS", "LLYON"),
                row("Location", "near=48.8566|2.3522|250|[mi_i]", "LPARIS", "LLYON"),
                row("Location", "near=45.7640|4.8357", "LLYON"),
                row("Location", "near:missing=false", "LPARIS", "LLYON"),
                // composite: DocumentReference relationship = code$target
                row("DocumentReference", "relationship=replaces$DocumentReference/{DOC1}", "DOC2"),
                row("DocumentReference", "relationship=replaces${DOC1}", "DOC2"),
                row("DocumentReference", "relationship=appends$DocumentReference/{DOC1}"),
                row("DocumentReference", "status=superseded", "DOC1"),
                // custom SearchParameters published in ig/: end (overlap queries), isArchived, period-start
                row("Slot", "schedule={SCH}&end=le2026-03-02T09:15:00+01:00", "S1"),
                row("Slot", "start=lt2026-03-02T09:20:00+01:00&end=gt2026-03-02T09:10:00+01:00", "S1", "S2"),
                row("Appointment", "end=2026-03-02T09:15:00+01:00", "A1"),
                row("Appointment", "date=lt2026-03-06&end=gt2026-03-05T16:10:00+01:00", "A2"),
                row("DocumentReference", "isArchived=true", "DOC1"),
                row("DocumentReference", "isArchived:missing=true", "DOC2"),
                row("DocumentReference", "period-start=ge2025-11", "DOC1"),
                // _source
                row("Patient", "_source=urn:hygie:source:portal", "P1"),
                // uri
                row("Patient", "_profile=https://hygie.example/StructureDefinition/patient", "P1"),
                row("Patient", "_profile:below=https://hygie.example/", "P1"),
                // _id
                row("Patient", "_id={P2}", "P2"),
                row("Patient", "_id={P2},{P3}", "P2", "P3"));
    }

    /** Same answer whether values are kept in clear or as blind indexes. */
    private static Arguments row(String type, String query, String... expected) {
        return Arguments.of(type, query, List.of(expected), List.of(expected));
    }

    /** A form blind indexes cannot answer (ranges, :contains, system|...): refused with a 400 when encrypted. */
    private static Arguments clearOnly(String type, String query, String... expected) {
        return Arguments.of(type, query, List.of(expected), null);
    }

    private static Arguments differs(String type, String query, List<String> clear, List<String> encrypted) {
        return Arguments.of(type, query, clear, encrypted);
    }

    @ParameterizedTest(name = "{0}?{1} -> {2} (encrypted: {3})")
    @MethodSource("table")
    void searchMatchesTheTable(String type, String query, List<String> clear, List<String> encrypted) {
        if (!encrypted()) {
            assertThat(search(type, query)).containsExactlyInAnyOrderElementsOf(clear);
        } else if (encrypted == null) {
            assertThatThrownBy(() -> search(type, query)).isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("protected");
        } else {
            assertThat(search(type, query)).containsExactlyInAnyOrderElementsOf(encrypted);
        }
    }

    @Test
    void sortAndPaging() {
        assertThat(search("Slot", "schedule={SCH}&_sort=start")).containsExactly("S1", "S2", "S3");
        assertThat(search("Slot", "schedule={SCH}&_sort=-start&_count=2")).containsExactly("S3", "S2");
        assertThat(search("Slot", "schedule={SCH}&_sort=status,-start")).containsExactly("S2", "S3", "S1");
        assertThat(search("Slot", "schedule={SCH}&_sort=start&_count=1&_offset=1")).containsExactly("S2");
        assertThat(search("Appointment", "_sort=-date&_count=2")).containsExactly("A3", "A2");
        if (encrypted()) {
            assertThatThrownBy(() -> search("Patient", "_sort=family")).isInstanceOf(InvalidRequestException.class);
        } else {
            assertThat(search("Patient", "_sort=family")).containsExactly("P1", "P2", "P3");
            assertThat(search("Patient", "_sort=-birthdate")).containsExactly("P3", "P1", "P2");
            assertThat(search("Patient", "_sort=gender,-family")).containsExactly("P1", "P2", "P3");
        }
    }

    @Test
    void includesAddEachReferencedResourceOnce() {
        assertThat(included("Slot", "_id={S4}&_include=Slot:schedule&_include:iterate=Schedule:actor")).containsExactly("SCH2", "PR");
        assertThat(included("Slot", "_id={S4}&_include=Slot:schedule&_include:iterate=Schedule:actor&_include:iterate=PractitionerRole:practitioner"))
                .containsExactly("SCH2", "PR", "DR");
        assertThat(included("Slot", "_id={S4}&_include=Slot:schedule")).containsExactly("SCH2");
        assertThat(included("Slot", "schedule={SCH}&_include=Slot:schedule")).containsExactly("SCH");
        assertThat(included("Practitioner", "_id={DR}&_revinclude=PractitionerRole:practitioner")).containsExactly("PR");
        assertThat(included("Appointment", "_id={A1}&_include=Appointment:actor:Practitioner")).containsExactly("DR");
        assertThat(included("Appointment", "_id={A1}&_include=Appointment:*")).containsExactlyInAnyOrder("DR", "P1");
        assertThat(included("Patient", "_id={P1}&_revinclude=Appointment:patient")).containsExactlyInAnyOrder("A1", "A3");
        assertThat(included("Patient", "_id={P2}&_include=Patient:general-practitioner")).isEmpty();
    }

    private List<String> included(String type, String query) {
        return aliases(run(type, query).included());
    }

    @Test
    void totalCountsAllMatchesNotJustThePage() {
        String scoped = "_count=1&_tag=urn:hygie:test-run|" + tag;
        SearchQuery q = storage.searchParser().parse("Patient", QueryString.parse(scoped), false, BASE);
        ResourceService.Found found = storage.service().search(q);
        assertThat(found.resources()).hasSize(1);
        assertThat(found.total()).isEqualTo(3);
    }

    @Test
    void lastUpdatedAndUpdatesMoveIndexRows() {
        assertThat(search("Patient", "_lastUpdated=gt2020-01-01")).hasSize(3);
        assertThat(search("Patient", "_lastUpdated=lt2020-01-01")).isEmpty();
        Patient p2 = (Patient) storage.service().read(new org.hygie.fhir.storage.ResourceStore.Key("Patient", ids.get("P2").substring(8)));
        p2.getNameFirstRep().setFamily("Renamed");
        storage.service().inTransaction(w -> storage.service().update(
                new org.hygie.fhir.storage.ResourceStore.Key("Patient", p2.getIdElement().getIdPart()), p2, null, w));
        assertThat(search("Patient", "family=renamed")).containsExactly("P2");
        p2.getNameFirstRep().setFamily("Durand");
        storage.service().inTransaction(w -> storage.service().update(
                new org.hygie.fhir.storage.ResourceStore.Key("Patient", p2.getIdElement().getIdPart()), p2, null, w));
        assertThat(search("Patient", "family=renamed")).isEmpty();
    }

    @org.junit.jupiter.api.AfterAll
    void closeDatabases() {
        org.hygie.fhir.testsupport.TestDatabases.closeAll();
    }
}
