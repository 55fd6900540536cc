package org.hygie.fhir.storage.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;
import org.hygie.fhir.types.ResourceTypes;
import org.hygie.fhir.crypto.CryptoSettings;
import org.hygie.fhir.testsupport.TestCrypto;
import org.hygie.fhir.storage.ResourceService;
import org.hygie.fhir.storage.ResourceStore;
import org.hygie.fhir.storage.ResourceStore.Key;
import org.hygie.fhir.config.Storage;
import org.hygie.fhir.storage.search.QueryString;
import org.hygie.fhir.storage.search.SearchQuery;
import org.hygie.fhir.storage.search.SearchRequestParser;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The semantics every store keeps, written once. Subclasses only say which database to run on.
 * Versions, logical delete, conditional interactions, referential integrity and atomicity.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class StoreContract {
    protected static final FhirContext FHIR = FhirContext.forR4Cached();
    protected static final String BASE = "http://localhost/fhir";
    protected ResourceService service;
    protected ResourceStore store;
    protected SearchRequestParser parser;

    protected abstract DataSource dataSource();

    /** Encrypted, as a server runs by default; a subclass may measure the plaintext mode too. */
    protected CryptoSettings crypto() {
        return TestCrypto.encrypted();
    }

    @BeforeAll
    void assemble() {
        Storage storage = Storage.assemble(FHIR, ResourceTypes.ALL, dataSource(), crypto(), org.hygie.fhir.booking.SlotAvailabilityProjection.all());
        service = storage.service();
        store = storage.store();
        parser = storage.searchParser();
    }

    protected ResourceService.Outcome create(IBaseResource resource) {
        return service.inTransaction(w -> service.create(resource, null, BASE, w));
    }

    protected static Patient patient(String family) {
        Patient p = new Patient();
        p.addName().setFamily(family);
        return p;
    }

    @Test
    void createAssignsAnUnguessableIdAndVersionOne() {
        ResourceService.Outcome outcome = create(patient("Create"));
        assertThat(outcome.key().id()).matches("[0-9a-f\\-]{36}");
        assertThat(outcome.version()).isEqualTo(1);
        assertThat(outcome.created()).isTrue();
        Patient read = (Patient) service.read(outcome.key());
        assertThat(read.getNameFirstRep().getFamily()).isEqualTo("Create");
        assertThat(read.getMeta().getVersionId()).isEqualTo("1");
        assertThat(read.getMeta().getLastUpdated().toInstant()).isEqualTo(outcome.lastUpdated());
    }

    @Test
    void updateAddsAVersionAndKeepsTheOldOne() {
        Key key = create(patient("V1")).key();
        Patient v2 = patient("V2");
        v2.setId(key.id());
        ResourceService.Outcome outcome = service.inTransaction(w -> service.update(key, v2, 1, w));
        assertThat(outcome.version()).isEqualTo(2);
        assertThat(outcome.created()).isFalse();
        assertThat(((Patient) service.vread(key, 1)).getNameFirstRep().getFamily()).isEqualTo("V1");
        assertThat(((Patient) service.read(key)).getNameFirstRep().getFamily()).isEqualTo("V2");
        assertThatThrownBy(() -> service.vread(key, 3)).isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void staleIfMatchIsRefusedAndChangesNothing() {
        Key key = create(patient("Stale")).key();
        Patient body = patient("Other");
        body.setId(key.id());
        assertThatThrownBy(() -> service.inTransaction(w -> service.update(key, body, 7, w)))
                .isInstanceOf(PreconditionFailedException.class);
        assertThat(store.head(key).orElseThrow().version()).isEqualTo(1);
    }

    @Test
    void updateAsCreateWithAClientId() {
        Key key = new Key("Patient", "client-chosen-" + System.nanoTime());
        Patient body = patient("Chosen");
        body.setId(key.id());
        ResourceService.Outcome outcome = service.inTransaction(w -> service.update(key, body, null, w));
        assertThat(outcome.created()).isTrue();
        assertThat(outcome.version()).isEqualTo(1);
    }

    @Test
    void updateBodyMustNameTheSameResource() {
        Key key = create(patient("Mismatch")).key();
        Patient body = patient("X");
        body.setId("someone-else");
        assertThatThrownBy(() -> service.inTransaction(w -> service.update(key, body, null, w)))
                .isInstanceOf(InvalidRequestException.class);
        Patient noId = patient("X");
        assertThatThrownBy(() -> service.inTransaction(w -> service.update(key, noId, null, w)))
                .isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void deleteIsLogicalAndKeepsHistory() {
        Key key = create(patient("Deleted")).key();
        ResourceService.Outcome deleted = service.inTransaction(w -> service.delete(key, false, w));
        assertThat(deleted.version()).isEqualTo(2);
        assertThatThrownBy(() -> service.read(key)).isInstanceOf(ResourceGoneException.class);
        assertThatThrownBy(() -> service.vread(key, 2)).isInstanceOf(ResourceGoneException.class);
        assertThat(((Patient) service.vread(key, 1)).getNameFirstRep().getFamily()).isEqualTo("Deleted");
        ResourceService.Outcome again = service.inTransaction(w -> service.delete(key, false, w));
        assertThat(again.version()).isEqualTo(2);
        var history = service.history(new ResourceStore.HistoryQuery("Patient", key.id(), null, null, null, 10, 0));
        assertThat(history.items()).extracting(e -> e.version().method()).containsExactly("DELETE", "POST");
        assertThat(history.items().get(0).resource()).isNull();
        // deleting what does not exist deletes nothing and is no error (R4 allows 200)
        ResourceService.Outcome nothing = service.inTransaction(w -> service.delete(new Key("Patient", "never-was"), false, w));
        assertThat(nothing.key()).isNull();
        assertThat(nothing.version()).isZero();
        assertThatThrownBy(() -> service.read(new Key("Patient", "never-was"))).isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void recreatingADeletedResourceStartsFromItsNextVersion() {
        Key key = create(patient("Phoenix")).key();
        service.inTransaction(w -> service.delete(key, false, w));
        Patient again = patient("Phoenix");
        again.setId(key.id());
        ResourceService.Outcome outcome = service.inTransaction(w -> service.update(key, again, null, w));
        assertThat(outcome.version()).isEqualTo(3);
        assertThat(outcome.created()).isTrue();
    }

    @Test
    void historySinceAndAt() throws InterruptedException {
        Key key = create(patient("H1")).key();
        Thread.sleep(5);
        Instant between = Instant.now();
        Thread.sleep(5);
        Patient v2 = patient("H2");
        v2.setId(key.id());
        service.inTransaction(w -> service.update(key, v2, null, w));
        var since = service.history(new ResourceStore.HistoryQuery("Patient", key.id(), between, null, null, 10, 0));
        assertThat(since.items()).extracting(e -> e.version().version()).containsExactly(2);
        var at = service.history(new ResourceStore.HistoryQuery("Patient", key.id(), null, between, between.plusMillis(1), 10, 0));
        assertThat(at.items()).extracting(e -> e.version().version()).containsExactly(1);
        var typeLevel = service.history(new ResourceStore.HistoryQuery("Patient", null, between, null, null, 100, 0));
        assertThat(typeLevel.items()).extracting(e -> e.version().id()).contains(key.id());
    }

    @Test
    void conditionalCreateReturnsTheExistingMatch() {
        String system = "urn:test:" + System.nanoTime();
        Patient p = patient("Cond");
        p.addIdentifier().setSystem(system).setValue("1");
        ResourceService.Outcome first = service.inTransaction(w -> service.create(p, "identifier=" + system + "|1", BASE, w));
        Patient p2 = patient("Cond");
        p2.addIdentifier().setSystem(system).setValue("1");
        ResourceService.Outcome second = service.inTransaction(w -> service.create(p2, "Patient?identifier=" + system + "|1", BASE, w));
        assertThat(second.created()).isFalse();
        assertThat(second.key()).isEqualTo(first.key());
        Patient p3 = patient("Cond");
        p3.addIdentifier().setSystem(system).setValue("1");
        create(p3);
        assertThatThrownBy(() -> service.inTransaction(w -> service.create(patient("x"), "identifier=" + system + "|1", BASE, w)))
                .isInstanceOf(PreconditionFailedException.class);
    }

    @Test
    void conditionalCreateMatchesThroughAChainOnAPatientReference() {
        String ins = "urn:oid:1.2.250.1.213.1.4.10|" + System.nanoTime();
        Patient p = patient("Chaine");
        p.addIdentifier().setSystem(ins.split("\\|")[0]).setValue(ins.split("\\|")[1]);
        Key patient = create(p).key();
        ResourceService.Outcome first = create(appointmentFor(patient.toString()));
        ResourceService.Outcome again = service.inTransaction(w -> service.create(appointmentFor(patient.toString()),
                "patient.identifier=" + ins + "&status=booked", BASE, w));
        assertThat(again.created()).isFalse();
        assertThat(again.key()).isEqualTo(first.key());
    }

    @Test
    void conditionalUpdateCreatesUpdatesOrRefuses() {
        String system = "urn:test:" + System.nanoTime();
        Patient body = patient("CU");
        body.addIdentifier().setSystem(system).setValue("9");
        ResourceService.Outcome created = service.inTransaction(w -> service.conditionalUpdate("Patient", "identifier=" + system + "|9", body, BASE, w));
        assertThat(created.created()).isTrue();
        Patient body2 = patient("CU2");
        body2.addIdentifier().setSystem(system).setValue("9");
        ResourceService.Outcome updated = service.inTransaction(w -> service.conditionalUpdate("Patient", "identifier=" + system + "|9", body2, BASE, w));
        assertThat(updated.key()).isEqualTo(created.key());
        assertThat(updated.version()).isEqualTo(2);
        Patient twin = patient("CU");
        twin.addIdentifier().setSystem(system).setValue("9");
        create(twin);
        assertThatThrownBy(() -> service.inTransaction(w -> service.conditionalUpdate("Patient", "identifier=" + system + "|9", patient("z"), BASE, w)))
                .isInstanceOf(PreconditionFailedException.class);
    }

    @Test
    void conditionalDelete() {
        String system = "urn:test:" + System.nanoTime();
        Patient p = patient("CD");
        p.addIdentifier().setSystem(system).setValue("1");
        Key key = create(p).key();
        ResourceService.Outcome none = service.inTransaction(w -> service.conditionalDelete("Patient", "identifier=" + system + "|2", BASE, w));
        assertThat(none.key()).isNull();
        service.inTransaction(w -> service.conditionalDelete("Patient", "identifier=" + system + "|1", BASE, w));
        assertThatThrownBy(() -> service.read(key)).isInstanceOf(ResourceGoneException.class);
    }

    @Test
    void danglingReferencesAreRefused() {
        Appointment a = appointmentFor("Patient/does-not-exist");
        assertThatThrownBy(() -> create(a)).isInstanceOf(UnprocessableEntityException.class)
                .hasMessageContaining("Patient/does-not-exist");
        assertThatThrownBy(() -> create(appointmentFor("urn:uuid:0b7f1c3e-0000-4000-8000-000000000000")))
                .isInstanceOf(UnprocessableEntityException.class);
        // a type the server does not hold (Condition, Encounter...) is kept as written, unresolved (
        // the R4 scheduling examples reference them); it reaches nothing, so it cannot dangle
        Key kept = create(appointmentFor("Condition/x")).key();
        assertThat(((Appointment) service.read(kept)).getParticipantFirstRep().getActor().getReference()).isEqualTo("Condition/x");
    }

    @Test
    void deletingAReferencedResourceIsRefusedUnlessCascading() {
        Key patient = create(patient("Referenced")).key();
        Key appointment = create(appointmentFor(patient.toString())).key();
        assertThatThrownBy(() -> service.inTransaction(w -> service.delete(patient, false, w)))
                .isInstanceOf(ResourceVersionConflictException.class)
                .hasMessageContaining(appointment.toString());
        assertThat(service.read(patient)).isNotNull();
        service.inTransaction(w -> service.delete(patient, true, w));
        assertThatThrownBy(() -> service.read(appointment)).isInstanceOf(ResourceGoneException.class);
    }

    @Test
    void aFailedTransactionLeavesNoTrace() {
        String family = "Atomic" + System.nanoTime();
        assertThatThrownBy(() -> service.inTransaction(w -> {
            service.create(patient(family), null, BASE, w);
            return service.create(appointmentFor("Patient/nowhere"), null, BASE, w);
        })).isInstanceOf(UnprocessableEntityException.class);
        var found = service.search(query("Patient", "family:exact=" + family));
        assertThat(found.total()).isZero();
    }

    @Test
    void concurrentUpdatesLoseNoVersion() throws Exception {
        Key key = create(patient("Race")).key();
        int writers = 8;
        List<Thread> threads = new java.util.ArrayList<>();
        java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();
        for (int i = 0; i < writers; i++) {
            int n = i;
            threads.add(started(() -> {
                Patient body = patient("Race" + n);
                body.setId(key.id());
                try {
                    service.inTransaction(w -> service.update(key, body, null, w));
                } catch (RuntimeException e) {
                    failures.incrementAndGet();
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(failures.get()).isZero();
        assertThat(store.head(key).orElseThrow().version()).isEqualTo(writers + 1);
        var history = service.history(new ResourceStore.HistoryQuery("Patient", key.id(), null, null, null, 50, 0));
        assertThat(history.items()).extracting(e -> e.version().version())
                .containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.rangeClosed(1, writers + 1).boxed().toList());
    }

    @Test
    void concurrentIfMatchUpdatesHaveExactlyOneWinner() throws Exception {
        Key key = create(patient("Match")).key();
        int writers = 6;
        java.util.concurrent.atomic.AtomicInteger wins = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        List<Thread> threads = new java.util.ArrayList<>();
        for (int i = 0; i < writers; i++) {
            threads.add(started(() -> {
                Patient body = patient("Match2");
                body.setId(key.id());
                try {
                    start.await();
                    service.inTransaction(w -> service.update(key, body, 1, w));
                    wins.incrementAndGet();
                } catch (PreconditionFailedException e) {
                    refused.incrementAndGet();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertThat(wins.get()).isEqualTo(1);
        assertThat(refused.get()).isEqualTo(writers - 1);
    }

    protected SearchQuery query(String type, String query) {
        return parser.parse(type, QueryString.parse(query), false, BASE);
    }

    private static Thread started(Runnable work) {
        Thread thread = new Thread(work);
        thread.start();
        return thread;
    }

    protected static Appointment appointmentFor(String patientReference) {
        Appointment a = new Appointment();
        a.setStatus(Appointment.AppointmentStatus.BOOKED);
        a.addParticipant().setActor(new Reference(patientReference)).setStatus(Appointment.ParticipationStatus.ACCEPTED);
        return a;
    }

    @org.junit.jupiter.api.AfterAll
    void closeDatabases() {
        org.hygie.fhir.testsupport.TestDatabases.closeAll();
    }
}
