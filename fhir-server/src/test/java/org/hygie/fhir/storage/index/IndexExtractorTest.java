package org.hygie.fhir.storage.index;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.util.List;
import org.hygie.fhir.types.ResourceTypes;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

class IndexExtractorTest {
    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final SearchParameterRegistry REGISTRY = new SearchParameterRegistry(FHIR, ResourceTypes.ALL);
    private final IndexExtractor extractor = new IndexExtractor(FHIR, REGISTRY);

    @Test
    void patientNamesIdentifiersDatesAndCodes() {
        Patient p = new Patient();
        p.addName().setFamily("Dupont").addGiven("Hélène");
        p.addIdentifier().setSystem("urn:oid:1.2.250.1.213.1.4.8").setValue("1800599123456");
        p.setBirthDateElement(new org.hl7.fhir.r4.model.DateType("1980-05-01"));
        p.setGender(Enumerations.AdministrativeGender.FEMALE);
        p.addTelecom().setSystem(org.hl7.fhir.r4.model.ContactPoint.ContactPointSystem.PHONE).setValue("0612345678");

        List<IndexEntry> entries = extractor.extract(p);

        assertThat(entries).contains(
                new IndexEntry.Str("family", "dupont", "Dupont"),
                new IndexEntry.Str("given", "helene", "Hélène"),
                new IndexEntry.Str("name", "helene", "Hélène"),
                new IndexEntry.Token("identifier", "urn:oid:1.2.250.1.213.1.4.8", "1800599123456", null),
                new IndexEntry.Token("gender", "http://hl7.org/fhir/administrative-gender", "female", null),
                new IndexEntry.Token("phone", null, "0612345678", null),
                new IndexEntry.Token("deceased", null, "false", null));
        IndexEntry.Date birth = (IndexEntry.Date) entries.stream().filter(e -> e.param().equals("birthdate")).findFirst().orElseThrow();
        assertThat(birth.highMs() - birth.lowMs()).isEqualTo(24 * 3600 * 1000L);
    }

    @Test
    void referencesAreTypedByResolveAndGiveThePatientCompartment() {
        Appointment a = new Appointment();
        a.addParticipant().setActor(new Reference("Patient/p1"));
        a.addParticipant().setActor(new Reference("Practitioner/doc1"));
        a.setStartElement(new org.hl7.fhir.r4.model.InstantType("2026-03-02T09:00:00+01:00"));

        List<IndexEntry> entries = extractor.extract(a);

        assertThat(entries).contains(
                new IndexEntry.Reference("patient", "Patient", "p1", null),
                new IndexEntry.Reference("practitioner", "Practitioner", "doc1", null),
                new IndexEntry.Reference("actor", "Patient", "p1", null),
                new IndexEntry.Reference("actor", "Practitioner", "doc1", null));
        assertThat(entries).doesNotContain(new IndexEntry.Reference("patient", "Practitioner", "doc1", null));
        assertThat(IndexExtractor.patientCompartment(a, entries, REGISTRY)).isEqualTo("p1");
    }

    @Test
    void periodsWithAnOpenEndAreOpenRanges() {
        org.hl7.fhir.r4.model.PractitionerRole role = new org.hl7.fhir.r4.model.PractitionerRole();
        role.setPeriod(new Period().setStartElement(new DateTimeType("2024-01-01")));

        IndexEntry.Date date = (IndexEntry.Date) extractor.extract(role).stream()
                .filter(e -> e.param().equals("date")).findFirst().orElseThrow();

        assertThat(date.highMs()).isEqualTo(FhirDateRange.OPEN_HIGH);
        assertThat(IndexExtractor.patientCompartment(role, List.of(date), REGISTRY)).isNull();
    }

    @Test
    void absoluteAndContainedReferences() {
        Appointment a = new Appointment();
        a.addParticipant().setActor(new Reference("https://other.example/fhir/Practitioner/x"));
        a.addParticipant().setActor(new Reference("#contained"));

        List<IndexEntry> actors = extractor.extract(a).stream().filter(e -> e.param().equals("actor")).toList();

        assertThat(actors).containsExactly(new IndexEntry.Reference("actor", null, null, "https://other.example/fhir/Practitioner/x"));
    }
}
