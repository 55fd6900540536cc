package org.hygie.fhir.storage.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.hygie.fhir.types.ResourceTypes;
import org.hygie.fhir.crypto.CryptoSettings;
import org.hygie.fhir.crypto.MasterKey;
import org.hygie.fhir.keys.KeyOperations;
import org.hygie.fhir.storage.ResourceCodec;
import org.hygie.fhir.storage.ResourceService;
import org.hygie.fhir.storage.ResourceStore.Key;
import org.hygie.fhir.config.Storage;
import org.hygie.fhir.storage.search.QueryString;
import org.hygie.fhir.testsupport.DatabaseBytes;
import org.hygie.fhir.testsupport.TestCrypto;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.AppointmentResponse;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What encryption at rest must guarantee, on a real PostgreSQL: no patient value in clear anywhere the
 * database keeps bytes, tampering detected, a wrong master key refused, rotation that loses nothing,
 * and crypto-shredding that erases one patient and only that one.
 */
@org.junit.jupiter.api.TestInstance(org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS)
public abstract class EncryptionContract {
    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final String BASE = "http://localhost/fhir";

    /** A fresh, migrated database per call. */
    protected abstract DataSource freshDatabase();

    private static ResourceService.Outcome create(Storage storage, IBaseResource resource) {
        return storage.service().inTransaction(w -> storage.service().create(resource, null, BASE, w));
    }

    private static List<IBaseResource> search(Storage storage, String type, String query) {
        return storage.service().search(storage.searchParser().parse(type, QueryString.parse(query), false, BASE)).resources();
    }

    /** Canary values in every place a patient's data goes; returns them. */
    private static List<String> writeCanaries(Storage storage, String tag) {
        String family = "zqxfamily" + tag;
        String given = "zqxgiven" + tag;
        String ins = "2990199" + tag.substring(0, 6).replaceAll("[^0-9]", "7");
        String phone = "0698" + tag.substring(0, 6).replaceAll("[^0-9]", "5");
        String city = "zqxcity" + tag;
        String reason = "zqxreason" + tag;
        String comment = "zqxcomment" + tag;
        String document = "zqxdocument" + tag;
        String content = "zqxcontent" + tag;

        Patient p = new Patient();
        p.addName().setFamily(family).addGiven(given);
        p.addIdentifier().setSystem("urn:oid:1.2.250.1.213.1.4.8").setValue(ins);
        p.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue(phone);
        p.addAddress().setCity(city);
        p.setGender(Enumerations.AdministrativeGender.FEMALE);
        Key patient = create(storage, p).key();

        Appointment a = new Appointment();
        a.setStatus(Appointment.AppointmentStatus.PROPOSED);
        a.addReasonCode().setText(reason);
        a.setComment(comment);
        a.addParticipant().setActor(new Reference(patient.toString())).setStatus(Appointment.ParticipationStatus.NEEDSACTION);
        Key appointment = create(storage, a).key();

        AppointmentResponse r = new AppointmentResponse();
        r.setAppointment(new Reference(appointment.toString()));
        r.setActor(new Reference(patient.toString()));
        r.setParticipantStatus(AppointmentResponse.ParticipantStatus.ACCEPTED);
        r.setComment(comment);
        create(storage, r);

        Binary binary = new Binary();
        binary.setContentType("text/plain");
        binary.setData(content.getBytes());
        Key binaryKey = create(storage, binary).key();
        DocumentReference d = new DocumentReference();
        d.setStatus(Enumerations.DocumentReferenceStatus.CURRENT);
        d.setSubject(new Reference(patient.toString()));
        d.setDescription(document);
        d.addContent().setAttachment(new Attachment().setUrl(binaryKey.toString()).setContentType("text/plain"));
        create(storage, d);
        return List.of(family, given, ins, phone, city, reason, comment, document);
    }

    @Test
    void noPatientValueInClearInDumpsTableFilesOrWal() {
        DataSource db = freshDatabase();
        Storage storage = Storage.assemble(FHIR, ResourceTypes.ALL, db, TestCrypto.encrypted(), org.hygie.fhir.booking.SlotAvailabilityProjection.all());
        String tag = UUID.randomUUID().toString().replace("-", "");
        List<String> canaries = writeCanaries(storage, tag);

        // Still found: by identifier, name prefix, phone and patient reference.
        assertThat(search(storage, "Patient", "identifier=urn:oid:1.2.250.1.213.1.4.8|" + canaries.get(2))).hasSize(1);
        assertThat(search(storage, "Patient", "family=" + canaries.get(0).substring(0, 12))).hasSize(1);
        assertThat(search(storage, "Patient", "given=" + canaries.get(1).toUpperCase())).hasSize(1);
        assertThat(search(storage, "Patient", "phone=" + canaries.get(3))).hasSize(1);
        String patientId = search(storage, "Patient", "family:exact=" + canaries.get(0)).get(0).getIdElement().getIdPart();
        assertThat(search(storage, "Appointment", "patient=Patient/" + patientId)).hasSize(1);
        assertThat(search(storage, "DocumentReference", "subject=Patient/" + patientId)).hasSize(1);

        assertThat(DatabaseBytes.find(db, canaries)).as("patient values found in clear").isEmpty();

        // The Patient row holds its own (random, meaningless) id; no other row says whose data it is.
        JdbcTemplate jdbc = new JdbcTemplate(db);
        String like = "%" + patientId + "%";
        assertThat(jdbc.queryForObject("select count(*) from idx_reference where target_id = ? or target_url like ?", Integer.class, patientId, like)).isZero();
        assertThat(jdbc.queryForObject("select count(*) from resource_link where target_key like ?", Integer.class, like)).isZero();
        assertThat(jdbc.queryForObject("select count(*) from resource where compartment like ?", Integer.class, like)).isZero();
        assertThat(jdbc.queryForObject("select count(*) from data_key where compartment like ?", Integer.class, like)).isZero();
        assertThat(jdbc.queryForObject("select count(*) from resource_version where res_id = ? and res_type <> 'Patient'", Integer.class, patientId)).isZero();
    }

    @Test
    void theScanFindsCanariesWhenNothingIsEncrypted() {
        DataSource plainDb = freshDatabase();
        Storage plain = Storage.assemble(FHIR, ResourceTypes.ALL, plainDb, CryptoSettings.plaintext(), org.hygie.fhir.booking.SlotAvailabilityProjection.all());
        List<String> canaries = writeCanaries(plain, UUID.randomUUID().toString().replace("-", ""));
        assertThat(DatabaseBytes.find(plainDb, canaries)).extracting(DatabaseBytes.Finding::needle)
                .contains(canaries.get(0), canaries.get(2), canaries.get(3), canaries.get(5));
    }

    @Test
    void alteredOrSwappedRowsAreReportedNeverServed() {
        DataSource db = freshDatabase();
        Storage storage = Storage.assemble(FHIR, ResourceTypes.ALL, db, TestCrypto.encrypted(), org.hygie.fhir.booking.SlotAvailabilityProjection.all());
        Key a = create(storage, patientNamed("Alpha")).key();
        Key b = create(storage, patientNamed("Beta")).key();
        JdbcTemplate jdbc = new JdbcTemplate(db);
        jdbc.update("update resource_version set payload = set_byte(payload, 20, get_byte(payload, 20) # 1) where res_id = ?", a.id());
        assertThatThrownBy(() -> storage.service().read(a)).isInstanceOf(ResourceCodec.StoredDataIntegrityException.class)
                .hasMessageContaining(a.toString()).hasMessageNotContaining("Alpha");
        jdbc.update("update resource_version set payload = (select payload from resource_version where res_id = ?) where res_id = ?", b.id(), a.id());
        assertThatThrownBy(() -> storage.service().read(a)).isInstanceOf(ResourceCodec.StoredDataIntegrityException.class);
        assertThatThrownBy(() -> search(storage, "Patient", "_id=" + a.id())).isInstanceOf(ResourceCodec.StoredDataIntegrityException.class);
        assertThat(((Patient) storage.service().read(b)).getNameFirstRep().getFamily()).isEqualTo("Beta");
    }

    @Test
    void aWrongMasterKeyRefusesToStart() {
        DataSource db = freshDatabase();
        create(Storage.assemble(FHIR, ResourceTypes.ALL, db, TestCrypto.encrypted(), org.hygie.fhir.booking.SlotAvailabilityProjection.all()), patientNamed("Key"));
        CryptoSettings wrong = CryptoSettings.encrypted(TestCrypto.randomMasterKey());
        assertThatThrownBy(() -> Storage.assemble(FHIR, ResourceTypes.ALL, db, wrong, org.hygie.fhir.booking.SlotAvailabilityProjection.all()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not configured");
        assertThatThrownBy(() -> Storage.assemble(FHIR, ResourceTypes.ALL, db, CryptoSettings.plaintext(), org.hygie.fhir.booking.SlotAvailabilityProjection.all()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("ENCRYPTED mode");
    }

    @Test
    void masterKeyRotationUnderConcurrentReadsAndWritesLosesNothing() throws Exception {
        DataSource db = freshDatabase();
        MasterKey oldKey = TestCrypto.randomMasterKey();
        Storage before = Storage.assemble(FHIR, ResourceTypes.ALL, db, CryptoSettings.encrypted(oldKey), org.hygie.fhir.booking.SlotAvailabilityProjection.all());
        List<Key> written = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            written.add(create(before, patientNamed("Rot" + i)).key());
        }
        MasterKey newKey = TestCrypto.randomMasterKey();
        CryptoSettings rolling = new CryptoSettings(CryptoSettings.Mode.ENCRYPTED, newKey, List.of(oldKey), null, 1000, java.time.Duration.ofMinutes(5), false);
        Storage during = Storage.assemble(FHIR, ResourceTypes.ALL, db, rolling, org.hygie.fhir.booking.SlotAvailabilityProjection.all());
        ConcurrentLinkedQueue<Key> writtenDuring = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> load = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            Thread thread = new Thread(() -> {
                int n = 0;
                while (running.get()) {
                    try {
                        writtenDuring.add(create(during, patientNamed("During" + n++)).key());
                        during.service().read(written.get(n % written.size()));
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }
            });
            thread.start();
            load.add(thread);
        }
        int rewrapped = new KeyOperations(during).rotateMasterKey(done -> { });
        running.set(false);
        for (Thread thread : load) {
            thread.join();
        }
        new KeyOperations(during).rotateMasterKey(done -> { }); // resumable: catches keys created by old-key writers, none here
        assertThat(failures).isEmpty();
        assertThat(rewrapped).isGreaterThanOrEqualTo(written.size());
        Storage after = Storage.assemble(FHIR, ResourceTypes.ALL, db, CryptoSettings.encrypted(newKey), org.hygie.fhir.booking.SlotAvailabilityProjection.all());
        assertThat(new KeyOperations(after).status()).containsOnlyKeys(newKey.id());
        for (Key key : written) {
            assertThat(after.service().read(key)).isNotNull();
        }
        for (Key key : writtenDuring) {
            assertThat(after.service().read(key)).isNotNull();
        }
        assertThatThrownBy(() -> Storage.assemble(FHIR, ResourceTypes.ALL, db, CryptoSettings.encrypted(oldKey), org.hygie.fhir.booking.SlotAvailabilityProjection.all()))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void cryptoShreddingErasesOnePatientAndOnlyThatOne() {
        DataSource db = freshDatabase();
        Storage storage = Storage.assemble(FHIR, ResourceTypes.ALL, db, TestCrypto.encrypted(), org.hygie.fhir.booking.SlotAvailabilityProjection.all());
        Patient shredded = patientNamed("Oublie");
        shredded.addIdentifier().setSystem("urn:oid:1.2.250.1.213.1.4.10").setValue("1111");
        Key a = create(storage, shredded).key();
        Patient renamed = (Patient) storage.service().read(a);
        renamed.getNameFirstRep().setFamily("Oublie2");
        storage.service().inTransaction(w -> storage.service().update(a, renamed, null, w));
        Key appointment = create(storage, appointmentOf(a)).key();
        Key b = create(storage, patientNamed("Garde")).key();
        Key appointmentB = create(storage, appointmentOf(b)).key();

        int erased = new KeyOperations(storage).shredPatient(a.id());

        assertThat(erased).isEqualTo(3);
        assertThatThrownBy(() -> storage.service().read(a)).isInstanceOf(ResourceGoneException.class);
        assertThatThrownBy(() -> storage.service().vread(a, 1)).isInstanceOf(ResourceGoneException.class);
        assertThatThrownBy(() -> storage.service().read(appointment)).isInstanceOf(ResourceGoneException.class);
        assertThat(search(storage, "Patient", "identifier=1111")).isEmpty();
        assertThat(search(storage, "Patient", "family=oublie")).isEmpty();
        assertThat(search(storage, "Appointment", "patient=" + a)).isEmpty();
        assertThat(new JdbcTemplate(db).queryForObject("select count(*) from resource_version where res_id = ? and payload is not null", Integer.class, a.id())).isZero();
        assertThat(storage.service().history(new org.hygie.fhir.storage.ResourceStore.HistoryQuery("Patient", a.id(), null, null, null, 10, 0)).items())
                .allMatch(e -> e.resource() == null);
        assertThat(((Patient) storage.service().read(b)).getNameFirstRep().getFamily()).isEqualTo("Garde");
        // the shredding itself is audited, outside the destroyed compartment, naming the patient by id only
        assertThat(search(storage, "AuditEvent", "type=http://dicom.nema.org/resources/ontology/DCM|110113"))
                .singleElement().satisfies(e -> assertThat(((org.hl7.fhir.r4.model.AuditEvent) e).getEntityFirstRep().getWhat()
                        .getIdentifier().getValue()).isEqualTo(a.id()));
        assertThat(search(storage, "Appointment", "patient=" + b)).extracting(r -> r.getIdElement().getIdPart()).containsExactly(appointmentB.id());
        Storage restarted = Storage.assemble(FHIR, ResourceTypes.ALL, db, TestCrypto.encrypted(), org.hygie.fhir.booking.SlotAvailabilityProjection.all());
        assertThatThrownBy(() -> restarted.service().read(a)).isInstanceOf(ResourceGoneException.class);
    }

    @Test
    void binariesFollowTheirSecurityContextIntoThePatientsCompartment() {
        DataSource db = freshDatabase();
        Storage storage = Storage.assemble(FHIR, ResourceTypes.ALL, db, TestCrypto.encrypted(), org.hygie.fhir.booking.SlotAvailabilityProjection.all());
        Key patient = create(storage, patientNamed("Contenu")).key();
        DocumentReference d = new DocumentReference();
        d.setStatus(Enumerations.DocumentReferenceStatus.CURRENT);
        d.setSubject(new Reference(patient.toString()));
        Key document = create(storage, d).key();
        Key viaDocument = create(storage, binary("compte rendu", document)).key();
        Key viaPatient = create(storage, binary("ordonnance", patient)).key();
        Key other = create(storage, patientNamed("Autre")).key();
        Key otherBinary = create(storage, binary("autre", other)).key();

        new KeyOperations(storage).shredPatient(patient.id());

        assertThatThrownBy(() -> storage.service().read(viaDocument)).isInstanceOf(ResourceGoneException.class);
        assertThatThrownBy(() -> storage.service().read(viaPatient)).isInstanceOf(ResourceGoneException.class);
        assertThatThrownBy(() -> storage.service().read(document)).isInstanceOf(ResourceGoneException.class);
        assertThat(new String(((Binary) storage.service().read(otherBinary)).getData())).isEqualTo("autre");
    }

    private static Binary binary(String content, Key securityContext) {
        Binary binary = new Binary();
        binary.setContentType("text/plain");
        binary.setData(content.getBytes());
        binary.setSecurityContext(new Reference(securityContext.toString()));
        return binary;
    }

    @Test
    void indexKeyRotationKeepsEverythingFoundAndShreddable() {
        DataSource db = freshDatabase();
        CryptoSettings crypto = TestCrypto.encrypted();
        Storage storage = Storage.assemble(FHIR, ResourceTypes.ALL, db, crypto, org.hygie.fhir.booking.SlotAvailabilityProjection.all());
        Patient p = patientNamed("Rotation");
        p.addIdentifier().setSystem("urn:oid:1.2.250.1.213.1.4.10").setValue("4242");
        Key patient = create(storage, p).key();
        Key appointment = create(storage, appointmentOf(patient)).key();
        Key other = create(storage, patientNamed("Autre")).key();
        JdbcTemplate jdbc = new JdbcTemplate(db);
        List<String> before = jdbc.queryForList("select encode(unnest(digests), 'hex') from idx_blind", String.class);

        int reindexed = new KeyOperations(Storage.assemble(FHIR, ResourceTypes.ALL, db, crypto.forMaintenance(), org.hygie.fhir.booking.SlotAvailabilityProjection.all())).rotateIndexKey(n -> { });

        assertThat(reindexed).isEqualTo(3);
        Storage after = Storage.assemble(FHIR, ResourceTypes.ALL, db, crypto, org.hygie.fhir.booking.SlotAvailabilityProjection.all());
        assertThat(search(after, "Patient", "identifier=4242")).hasSize(1);
        assertThat(search(after, "Patient", "family=rota")).hasSize(1);
        assertThat(search(after, "Appointment", "patient=" + patient)).hasSize(1);
        List<String> afterDigests = jdbc.queryForList("select encode(unnest(digests), 'hex') from idx_blind", String.class);
        assertThat(afterDigests).isNotEmpty().doesNotContainAnyElementsOf(before);
        assertThat(new KeyOperations(after).shredPatient(patient.id())).isEqualTo(2); // the patient and its appointment
        assertThatThrownBy(() -> after.service().read(patient)).isInstanceOf(ResourceGoneException.class);
        assertThatThrownBy(() -> after.service().read(appointment)).isInstanceOf(ResourceGoneException.class);
        assertThat(after.service().read(other)).isNotNull();
    }

    @Test
    void anUnfinishedIndexRotationKeepsServersFromStartingUntilResumed() {
        DataSource db = freshDatabase();
        CryptoSettings crypto = TestCrypto.encrypted();
        Storage storage = Storage.assemble(FHIR, ResourceTypes.ALL, db, crypto, org.hygie.fhir.booking.SlotAvailabilityProjection.all());
        Key patient = create(storage, patientNamed("Pending")).key();
        storage.transactions().executeWithoutResult(s -> {
            storage.settings().put(Storage.INDEX_KEY_PENDING, "~blind-index@interrupted");
            storage.settings().put(Storage.INDEX_ROTATION_PROGRESS, "0");
        });
        assertThatThrownBy(() -> Storage.assemble(FHIR, ResourceTypes.ALL, db, crypto, org.hygie.fhir.booking.SlotAvailabilityProjection.all()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("rotate-index");
        new KeyOperations(Storage.assemble(FHIR, ResourceTypes.ALL, db, crypto.forMaintenance(), org.hygie.fhir.booking.SlotAvailabilityProjection.all())).rotateIndexKey(n -> { });
        Storage resumed = Storage.assemble(FHIR, ResourceTypes.ALL, db, crypto, org.hygie.fhir.booking.SlotAvailabilityProjection.all());
        assertThat(search(resumed, "Patient", "family=pending")).extracting(r -> r.getIdElement().getIdPart()).containsExactly(patient.id());
    }

    private static Patient patientNamed(String family) {
        Patient p = new Patient();
        p.addName().setFamily(family);
        return p;
    }

    private static Appointment appointmentOf(Key patient) {
        Appointment a = new Appointment();
        a.setStatus(Appointment.AppointmentStatus.PROPOSED);
        a.addParticipant().setActor(new Reference(patient.toString())).setStatus(Appointment.ParticipationStatus.NEEDSACTION);
        return a;
    }

    @org.junit.jupiter.api.AfterAll
    void closeDatabases() {
        org.hygie.fhir.testsupport.TestDatabases.closeAll();
    }
}
