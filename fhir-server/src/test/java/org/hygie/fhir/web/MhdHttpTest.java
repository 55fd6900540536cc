package org.hygie.fhir.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DocumentReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** IHE MHD end to end over HTTP: ITI-65 publish (and each rule refused), ITI-67 find, ITI-68 retrieve, replace, PDSm metadata updates. */
class MhdHttpTest extends HttpTestBase {
    private static final String COMPREHENSIVE = "https://profiles.ihe.net/ITI/MHD/StructureDefinition/IHE.MHD.Comprehensive.ProvideBundle";
    private String patient;

    @BeforeEach
    void patient() {
        patient = created(http("POST", "Patient", "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"urn:oid:1.2.250.1.213.1.4.10\","
                + "\"value\":\"" + org.hygie.fhir.testsupport.TestIdentifiers.ins() + "\"}]}"));
    }

    @Test
    void publishFindRetrieveReplaceAndUpdateMetadata() throws Exception {
        String content = "Compte rendu de consultation " + patient;
        String author = created(http("POST", "Practitioner", "{\"resourceType\":\"Practitioner\",\"name\":[{\"family\":\"Curie\",\"given\":[\"Marie\"]}]}"));
        HttpResponse<String> published = http("POST", "", provide(content, size(content), sha1(content), "Patient/" + patient, 1, null,
                "Practitioner/" + author));
        assertThat(published.statusCode()).as(published.body()).isEqualTo(200);
        Bundle response = parse(Bundle.class, published);
        assertThat(response.getType()).isEqualTo(Bundle.BundleType.TRANSACTIONRESPONSE);
        assertThat(response.getEntry()).hasSize(3).allSatisfy(e -> {
            assertThat(e.getResponse().getStatus()).startsWith("201");
            assertThat(e.getResponse().getLocation()).isNotBlank();
        });

        // ITI-67, GET and POST
        Bundle found = parse(Bundle.class, http("GET", "DocumentReference?patient=Patient/" + patient + "&status=current", null));
        assertThat(found.getEntry()).hasSize(1);
        DocumentReference doc = (DocumentReference) found.getEntryFirstRep().getResource();
        HttpResponse<String> byPost = http("POST", "DocumentReference/_search", "patient=Patient/" + patient + "&status=current",
                "Content-Type", "application/x-www-form-urlencoded");
        assertThat(parse(Bundle.class, byPost).getEntry()).hasSize(1);

        // author.given / author.family: a chain through a reference that may point to several types
        assertThat(parse(Bundle.class, http("GET", "DocumentReference?patient=Patient/" + patient + "&author.given=marie", null)).getEntry()).hasSize(1);
        assertThat(parse(Bundle.class, http("GET", "DocumentReference?patient=Patient/" + patient + "&author.family=curie", null)).getEntry()).hasSize(1);
        assertThat(parse(Bundle.class, http("GET", "DocumentReference?patient=Patient/" + patient + "&author.family=pasteur", null)).getEntry()).isEmpty();
        String ins = parse(org.hl7.fhir.r4.model.Patient.class, http("GET", "Patient/" + patient, null)).getIdentifierFirstRep().getValue();
        assertThat(parse(Bundle.class, http("GET", "DocumentReference?patient.identifier=urn:oid:1.2.250.1.213.1.4.10%7C" + ins + "&status=current",
                null)).getEntry()).hasSize(1);

        // ITI-66 and the IHE search parameters published in ig/
        String lists = "List?patient=Patient/" + patient + "&code=https://profiles.ihe.net/ITI/MHD/CodeSystem/MHDlistTypes%7Csubmissionset&status=current";
        assertThat(parse(Bundle.class, http("GET", lists + "&sourceId=urn:oid:1.2.250.1.999.1", null)).getEntry()).hasSize(1);
        assertThat(parse(Bundle.class, http("GET", lists + "&designationType=http://loinc.org%7C11488-4", null)).getEntry()).hasSize(1);
        assertThat(parse(Bundle.class, http("GET", lists + "&sourceId=urn:oid:1.2.3", null)).getEntry()).isEmpty();
        assertThat(parse(Bundle.class, http("GET", "DocumentReference?patient=Patient/" + patient + "&creation=ge2026-11-28", null)).getEntry()).hasSize(1);
        assertThat(parse(Bundle.class, http("GET", "DocumentReference?patient=Patient/" + patient + "&creation=lt2026-11-28", null)).getEntry()).isEmpty();

        // ITI-68: the attachment URL gives back the very bytes, with the stored content type
        String url = doc.getContentFirstRep().getAttachment().getUrl();
        assertThat(url).matches(".*Binary/[^/]+");
        HttpResponse<byte[]> retrieved = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                url.startsWith("http") ? url : base() + "/" + url)).header("Authorization", "Bearer " + token("patient/*.rs", patient, null)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(retrieved.statusCode()).isEqualTo(200);
        assertThat(retrieved.headers().firstValue("Content-Type")).hasValue("text/plain");
        assertThat(MessageDigest.getInstance("SHA-1").digest(retrieved.body())).isEqualTo(doc.getContentFirstRep().getAttachment().getHash());

        // replacement: the old one is superseded in the same transaction
        String replacement = content + " (corrigé)";
        HttpResponse<String> replaced = http("POST", "", provide(replacement, size(replacement), sha1(replacement), "Patient/" + patient, 1,
                "DocumentReference/" + doc.getIdElement().getIdPart()));
        assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(200);
        assertThat(parse(DocumentReference.class, http("GET", "DocumentReference/" + doc.getIdElement().getIdPart(), null)).getStatus().toCode())
                .isEqualTo("superseded");
        assertThat(parse(Bundle.class, http("GET", "DocumentReference?patient=Patient/" + patient + "&status=current", null)).getEntry()).hasSize(1);

        // PDSm metadata updates: status, securityLabel, isArchived only; never a physical delete
        String id = doc.getIdElement().getIdPart();
        HttpResponse<String> archived = http("PATCH", "DocumentReference/" + id, "[{\"op\":\"add\",\"path\":\"/extension\",\"value\":[{\"url\":"
                + "\"https://interop.esante.gouv.fr/ig/fhir/pdsm/StructureDefinition/pdsm-ext-is-archived\",\"valueBoolean\":true}]}]",
                "Content-Type", "application/json-patch+json");
        assertThat(archived.statusCode()).as(archived.body()).isEqualTo(200);
        assertThat(parse(Bundle.class, http("GET", "DocumentReference?patient=Patient/" + patient + "&isArchived=true", null)).getEntry()).hasSize(1);
        assertOutcome(http("PATCH", "DocumentReference/" + id, "[{\"op\":\"add\",\"path\":\"/description\",\"value\":\"changed\"}]",
                "Content-Type", "application/json-patch+json"), 422);
        assertOutcome(http("DELETE", "DocumentReference/" + id, null), 405);
        assertThat(http("GET", "DocumentReference/" + id, null).statusCode()).isEqualTo(200);
    }

    @Test
    void invalidBundlesAreRefusedAndChangeNothing() {
        String content = "Lettre de liaison";
        int docsBefore = count("DocumentReference"), binariesBefore = count("Binary"), listsBefore = count("List");
        String subject = "Patient/" + patient;
        assertRefused(provide(content, size(content), sha1("autre chose"), subject, 1, null), "hash");
        assertRefused(provide(content, size(content) + 1, sha1(content), subject, 1, null), "size");
        assertRefused(provide(content, size(content), sha1(content), subject, 0, null), "exactly one SubmissionSet");
        assertRefused(provide(content, size(content), sha1(content), subject, 2, null), "exactly one SubmissionSet");
        assertRefused(provide(content, -1, null, subject, 1, null), "Comprehensive");
        String other = "Patient/" + created(http("POST", "Patient", "{\"resourceType\":\"Patient\"}"));
        assertRefused(provide(content, size(content), sha1(content), subject, 1, null).replaceFirst("\"subject\":\\{\"reference\":\"" + subject,
                "\"subject\":{\"reference\":\"" + other), "same Patient");
        assertThat(count("DocumentReference")).isEqualTo(docsBefore);
        assertThat(count("Binary")).isEqualTo(binariesBefore);
        assertThat(count("List")).isEqualTo(listsBefore);
    }

    private void assertRefused(String bundle, String why) {
        HttpResponse<String> refused = http("POST", "", bundle);
        assertThat(assertOutcome(refused, 422).getIssueFirstRep().getDiagnostics()).contains(why);
    }

    private int count(String type) {
        return parse(Bundle.class, http("GET", type + "?_summary=count", null)).getTotal();
    }

    private static long size(String content) {
        return content.getBytes(StandardCharsets.UTF_8).length;
    }

    private static String sha1(String content) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1").digest(content.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An ITI-65 Comprehensive bundle: SubmissionSet(s), one DocumentReference, its Binary. size < 0 / hash null: left out. */
    private static String provide(String content, long size, String hash, String subject, int submissionSets, String replaces) {
        return provide(content, size, hash, subject, submissionSets, replaces, null);
    }

    private static String provide(String content, long size, String hash, String subject, int submissionSets, String replaces, String author) {
        StringBuilder entries = new StringBuilder();
        for (int i = 0; i < submissionSets; i++) {
            entries.append("{\"fullUrl\":\"urn:uuid:5b0e3c1a-0000-4000-8000-00000000000").append(i).append("\",\"resource\":{\"resourceType\":\"List\",")
                    .append("\"extension\":[{\"url\":\"https://profiles.ihe.net/ITI/MHD/StructureDefinition/ihe-sourceId\",")
                    .append("\"valueIdentifier\":{\"value\":\"urn:oid:1.2.250.1.999.1\"}},{\"url\":")
                    .append("\"https://profiles.ihe.net/ITI/MHD/StructureDefinition/ihe-designationType\",\"valueCodeableConcept\":")
                    .append("{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"11488-4\"}]}}],")
                    .append("\"status\":\"current\",\"mode\":\"working\",\"code\":{\"coding\":[{\"system\":")
                    .append("\"https://profiles.ihe.net/ITI/MHD/CodeSystem/MHDlistTypes\",\"code\":\"submissionset\"}]},")
                    .append("\"subject\":{\"reference\":\"").append(subject).append("\"},\"date\":\"2026-11-29T10:00:00+01:00\",")
                    .append("\"entry\":[{\"item\":{\"reference\":\"urn:uuid:5b0e3c1a-1111-4000-8000-000000000001\"}}]},")
                    .append("\"request\":{\"method\":\"POST\",\"url\":\"List\"}},");
        }
        String attachment = "\"contentType\":\"text/plain\",\"creation\":\"2026-11-28T09:00:00+01:00\",\"url\":\"urn:uuid:5b0e3c1a-2222-4000-8000-000000000002\""
                + (size >= 0 ? ",\"size\":" + size : "") + (hash != null ? ",\"hash\":\"" + hash + "\"" : "");
        entries.append("{\"fullUrl\":\"urn:uuid:5b0e3c1a-1111-4000-8000-000000000001\",\"resource\":{\"resourceType\":\"DocumentReference\",")
                .append("\"status\":\"current\",\"subject\":{\"reference\":\"").append(subject).append("\"},\"date\":\"2026-11-29T10:00:00+01:00\",")
                .append("\"type\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"11488-4\",\"display\":\"Consult note\"}]},")
                .append(author == null ? "" : "\"author\":[{\"reference\":\"" + author + "\"}],")
                .append(replaces == null ? "" : "\"relatesTo\":[{\"code\":\"replaces\",\"target\":{\"reference\":\"" + replaces + "\"}}],")
                .append("\"content\":[{\"attachment\":{").append(attachment).append("}}]},")
                .append("\"request\":{\"method\":\"POST\",\"url\":\"DocumentReference\"}},");
        entries.append("{\"fullUrl\":\"urn:uuid:5b0e3c1a-2222-4000-8000-000000000002\",\"resource\":{\"resourceType\":\"Binary\",")
                .append("\"contentType\":\"text/plain\",\"data\":\"")
                .append(Base64.getEncoder().encodeToString(content.getBytes(StandardCharsets.UTF_8))).append("\"},")
                .append("\"request\":{\"method\":\"POST\",\"url\":\"Binary\"}}");
        return "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"meta\":{\"profile\":[\"" + COMPREHENSIVE + "\"]},\"entry\":[" + entries + "]}";
    }
}
