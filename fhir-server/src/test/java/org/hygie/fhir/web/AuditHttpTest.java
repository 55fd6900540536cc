package org.hygie.fhir.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.hygie.fhir.audit.AuditChain;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** Every access to patient data leaves exactly one AuditEvent per patient; the patient can list them; the chain detects tampering. */
class AuditHttpTest extends HttpTestBase {
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    AuditChain chain;

    /** Sealing only when a test asks (chain.seal()), so what is queued stays queued. */
    @org.springframework.test.context.DynamicPropertySource
    static void noBackgroundSealing(org.springframework.test.context.DynamicPropertyRegistry registry) {
        registry.add("hygie.audit.seal-interval", () -> "1h");
    }

    private String patientA;
    private String patientB;
    private String practitionerX;
    private String appointment;

    @BeforeEach
    void seed() {
        practitionerX = created(http("POST", "Practitioner", "{\"resourceType\":\"Practitioner\"}"));
        String role = created(http("POST", "PractitionerRole", "{\"resourceType\":\"PractitionerRole\",\"practitioner\":{\"reference\":\"Practitioner/"
                + practitionerX + "\"}}"));
        patientA = created(http("POST", "Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Audit\"}]}"));
        patientB = created(http("POST", "Patient", "{\"resourceType\":\"Patient\"}"));
        appointment = created(http("POST", "Appointment", "{\"resourceType\":\"Appointment\",\"status\":\"booked\",\"start\":\"2027-02-01T10:00:00Z\",\"end\":\"2027-02-01T10:20:00Z\",\"participant\":["
                + "{\"actor\":{\"reference\":\"Patient/" + patientA + "\"},\"status\":\"accepted\"},"
                + "{\"actor\":{\"reference\":\"PractitionerRole/" + role + "\"},\"status\":\"accepted\"}]}"));
    }

    @Test
    void eachAccessToPatientDataIsAuditedOnce() {
        String asA = "Bearer " + token("patient/*.rs", patientA, null);
        String asX = "Bearer " + token("user/*.cruds", null, practitionerX);
        int before = auditCount(patientA);
        assertThat(before).as("the creations of the patient and the appointment").isEqualTo(2);

        record Access(String token, String path, int status, int audits) {}
        List<Access> accesses = List.of(
                new Access(asA, "Patient/" + patientA, 200, 1),
                new Access(asA, "Appointment", 200, 1),
                new Access(asA, "Appointment?_include=Appointment:patient", 200, 1), // one event, both resources
                new Access(asA, "Appointment?_summary=count", 200, 0),              // a count discloses no record
                new Access(asA, "Practitioner", 200, 0),                            // public data
                new Access(asA, "Patient/" + patientB, 404, 0),                     // refused: nothing disclosed
                new Access(asX, "Patient/" + patientA, 200, 1),
                new Access(asX, "Appointment/" + appointment + "/_history", 200, 1),
                new Access("Bearer " + systemToken, "Appointment?patient=Patient/" + patientA, 200, 1));
        int expected = before;
        for (Access access : accesses) {
            HttpResponse<String> response = http("GET", access.path(), null, "Authorization", access.token());
            assertThat(response.statusCode()).as(access.path()).isEqualTo(access.status());
            expected += access.audits();
            assertThat(auditCount(patientA)).as("AuditEvents after " + access.path()).isEqualTo(expected);
        }
        // a write by the practitioner is audited in its own transaction, once
        HttpResponse<String> cancel = http("PATCH", "Appointment/" + appointment,
                "[{\"op\":\"replace\",\"path\":\"/status\",\"value\":\"noshow\"}]", "Authorization", asX,
                "Content-Type", "application/json-patch+json");
        assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(200);
        assertThat(auditCount(patientA)).isEqualTo(expected + 1);
        assertThat(auditCount(patientB)).isEqualTo(1);
    }

    @Test
    void aPatientSeesWhoAccessedTheirRecordAndNoOneElses() {
        http("GET", "Patient/" + patientA, null, "Authorization", "Bearer " + token("user/*.cruds", null, practitionerX));
        Bundle mine = parse(Bundle.class, http("GET", "AuditEvent?patient=Patient/" + patientA + "&_count=100", null,
                "Authorization", "Bearer " + token("patient/*.rs", patientA, null)));
        assertThat(mine.getEntry()).isNotEmpty();
        assertThat(mine.getEntry()).anySatisfy(e -> {
            AuditEvent event = (AuditEvent) e.getResource();
            assertThat(event.getAction()).isEqualTo(AuditEvent.AuditEventAction.R);
            assertThat(event.getAgent()).anySatisfy(a -> assertThat(a.getWho().getReference()).isEqualTo("Practitioner/" + practitionerX));
        });
        Bundle all = parse(Bundle.class, http("GET", "AuditEvent?_count=100", null,
                "Authorization", "Bearer " + token("patient/*.rs", patientB, null)));
        assertThat(all.getEntry()).allSatisfy(e -> assertThat(((AuditEvent) e.getResource()).getEntity())
                .noneSatisfy(en -> assertThat(en.getWhat().getReference()).isEqualTo("Patient/" + patientA)));
    }

    @Test
    void auditEventsCannotBeWrittenThroughTheApi() {
        assertOutcome(http("POST", "AuditEvent", "{\"resourceType\":\"AuditEvent\",\"recorded\":\"2026-01-01T00:00:00Z\"}"), 405);
    }

    @Test
    void theChainDetectsAModifiedRecord() {
        chain.seal();
        assertThat(chain.verify(Duration.ofMinutes(1)).intact()).isTrue();
        Long pk = jdbc.queryForObject("select c.resource_pk from audit_chain c order by c.seq desc limit 1", Long.class);
        assertThatThrownBy(() -> jdbc.update("update resource_version set payload = payload || '\\x00'::bytea where resource_pk = ?", pk))
                .hasMessageContaining("append-only");
        assertThatThrownBy(() -> jdbc.update("delete from audit_chain where resource_pk = ?", pk)).hasMessageContaining("append-only");
        // someone with the rights to lift the guard (the database owner) edits a record: the chain tells
        jdbc.execute("alter table resource_version disable trigger audit_event_versions_append_only");
        try {
            jdbc.update("update resource_version set payload = payload || '\\x00'::bytea where resource_pk = ?", pk);
        } finally {
            jdbc.execute("alter table resource_version enable trigger audit_event_versions_append_only");
        }
        AuditChain.Report report = chain.verify(Duration.ofMinutes(1));
        assertThat(report.intact()).isFalse();
        assertThat(report.problems()).anySatisfy(p -> assertThat(p).contains("was modified after it was recorded"));
        jdbc.execute("alter table resource_version disable trigger audit_event_versions_append_only");
        try {
            jdbc.update("update resource_version set payload = substring(payload from 1 for length(payload) - 1) where resource_pk = ?", pk);
        } finally {
            jdbc.execute("alter table resource_version enable trigger audit_event_versions_append_only");
        }
        assertThat(chain.verify(Duration.ofMinutes(1)).intact()).isTrue();
    }

    @Test
    void anAuditEventRemovedFromTheSealingQueueIsDetected() {
        chain.seal();
        http("GET", "Patient/" + patientA, null, "Authorization", "Bearer " + token("patient/*.rs", patientA, null));
        int dequeued = jdbc.update("delete from audit_pending where resource_pk = (select max(resource_pk) from audit_pending)");
        assertThat(dequeued).isEqualTo(1);
        assertThat(chain.verify(Duration.ofMinutes(1)).problems()).anySatisfy(p -> assertThat(p).contains("neither chained nor queued"));
        jdbc.update("insert into audit_pending (resource_pk) select r.pk from resource r where r.res_type = 'AuditEvent'"
                + " and not exists (select 1 from audit_chain c where c.resource_pk = r.pk) on conflict do nothing");
        chain.seal();
        assertThat(chain.verify(Duration.ofMinutes(1)).intact()).isTrue();
    }

    private int auditCount(String patientId) {
        return parse(Bundle.class, http("GET", "AuditEvent?patient=Patient/" + patientId + "&_summary=count", null)).getTotal();
    }
}
