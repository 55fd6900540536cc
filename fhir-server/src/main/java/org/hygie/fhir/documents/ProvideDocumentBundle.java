package org.hygie.fhir.documents;

import static org.hygie.fhir.error.FhirErrors.unprocessable;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hygie.fhir.bundle.TransactionProfile;
import org.hygie.fhir.storage.ResourceService;
import org.hygie.fhir.storage.ResourceStore;
import org.hygie.fhir.storage.WriteSet;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations.DocumentReferenceStatus;
import org.hl7.fhir.r4.model.ListResource;
import org.hl7.fhir.r4.model.Reference;

/**
 * IHE MHD ITI-65 Provide Document Bundle, on top of the transaction semantics: a bundle that declares an
 * MHD (or PDSm) ProvideBundle profile, or carries a SubmissionSet, must have exactly one SubmissionSet;
 * every subject must be the same patient; each attachment's size and SHA-1 hash must describe its Binary
 * (required with the Comprehensive option); Binaries without a securityContext join the patient's
 * compartment; a DocumentReference that {@code replaces} another marks it {@code superseded} in the same
 * transaction. Violations are 422 naming the element.
 */
public final class ProvideDocumentBundle implements TransactionProfile {
    static final String MHD = "https://profiles.ihe.net/ITI/MHD/StructureDefinition/";
    private static final Set<String> PROFILES = Set.of(MHD + "IHE.MHD.Minimal.ProvideBundle", MHD + "IHE.MHD.Comprehensive.ProvideBundle",
            MHD + "IHE.MHD.UnContained.Comprehensive.ProvideBundle",
            "https://interop.esante.gouv.fr/ig/fhir/pdsm/StructureDefinition/pdsm-comprehensive-provide-document-bundle");
    private static final String LIST_TYPES = "https://profiles.ihe.net/ITI/MHD/CodeSystem/MHDlistTypes";

    private final ResourceService service;

    public ProvideDocumentBundle(ResourceService service) {
        this.service = service;
    }

    @Override
    public boolean appliesTo(Bundle bundle) {
        return bundle.getMeta().getProfile().stream().map(CanonicalType::getValue).anyMatch(p -> p != null && PROFILES.contains(p.split("\\|")[0]))
                || bundle.getEntry().stream().anyMatch(e -> e.getResource() instanceof ListResource list && isListOfType(list, "submissionset"));
    }

    @Override
    public void before(Bundle bundle) {
        boolean comprehensive = bundle.getMeta().getProfile().stream().map(CanonicalType::getValue)
                .anyMatch(p -> p != null && !p.contains("Minimal"));
        List<Integer> submissionSets = new ArrayList<>();
        Set<String> subjects = new LinkedHashSet<>();
        Map<String, Binary> binaries = new HashMap<>();
        for (int i = 0; i < bundle.getEntry().size(); i++) {
            Bundle.BundleEntryComponent entry = bundle.getEntry().get(i);
            if (entry.getResource() instanceof ListResource list) {
                if (isListOfType(list, "submissionset")) {
                    submissionSets.add(i);
                }
                if (list.hasSubject()) {
                    subjects.add(list.getSubject().getReference());
                }
            } else if (entry.getResource() instanceof DocumentReference doc && doc.hasSubject()) {
                subjects.add(doc.getSubject().getReference());
            } else if (entry.getResource() instanceof Binary binary) {
                if (entry.hasFullUrl()) {
                    binaries.put(entry.getFullUrl(), binary);
                }
                if (entry.getRequest().hasUrl()) {
                    binaries.put(entry.getRequest().getUrl(), binary);
                }
            }
        }
        if (submissionSets.size() != 1) {
            throw unprocessable("An ITI-65 Provide Document Bundle carries exactly one SubmissionSet List (code "
                    + LIST_TYPES + "#submissionset), found " + submissionSets.size(), "Bundle.entry");
        }
        if (subjects.size() > 1) {
            throw unprocessable("Every subject of an ITI-65 Provide Document Bundle must be the same Patient; found " + subjects.size()
                    + " different ones", "Bundle.entry.resource.subject");
        }
        String patient = subjects.isEmpty() ? null : subjects.iterator().next();
        for (int i = 0; i < bundle.getEntry().size(); i++) {
            if (bundle.getEntry().get(i).getResource() instanceof DocumentReference doc) {
                for (int c = 0; c < doc.getContent().size(); c++) {
                    checkAttachment(doc.getContent().get(c).getAttachment(), binaries, comprehensive,
                            "Bundle.entry[" + i + "].resource.content[" + c + "].attachment", patient);
                }
            }
        }
    }

    /** The attachment's size and hash against its Binary (in the bundle, or already stored); the Binary joins the patient's compartment. */
    private void checkAttachment(Attachment attachment, Map<String, Binary> binaries, boolean comprehensive, String where, String patient) {
        if (comprehensive && (!attachment.hasSize() || !attachment.hasHash())) {
            throw unprocessable("The Comprehensive Metadata option requires attachment.size and attachment.hash (SHA-1 of the content)", where);
        }
        if (!attachment.hasUrl()) {
            return;
        }
        Binary binary = binaries.get(attachment.getUrl());
        long size;
        byte[] sha1;
        if (binary != null) {
            if (!binary.hasSecurityContext() && patient != null) {
                binary.setSecurityContext(new Reference(patient));
            }
            byte[] data = binary.hasData() ? binary.getData() : new byte[0];
            size = data.length;
            sha1 = sha1(data);
        } else if (attachment.getUrl().matches("(.*/)?Binary/[A-Za-z0-9\\-.]{1,64}")) {
            String id = attachment.getUrl().substring(attachment.getUrl().lastIndexOf('/') + 1);
            BinaryContent.Ref ref = BinaryContent.ref((Binary) service.read(new ResourceStore.Key("Binary", id)));
            if (ref == null) {
                return;
            }
            size = ref.size();
            sha1 = ref.sha1();
        } else {
            return; // content elsewhere: nothing to compare
        }
        if (attachment.hasSize() && attachment.getSize() != size) {
            throw unprocessable("attachment.size is " + attachment.getSize() + " but the Binary holds " + size + " bytes", where + ".size");
        }
        if (attachment.hasHash() && !Arrays.equals(attachment.getHash(), sha1)) {
            throw unprocessable("attachment.hash is not the SHA-1 of the Binary's content", where + ".hash");
        }
    }

    @Override
    public void after(List<IBaseResource> written, WriteSet writes) {
        for (IBaseResource resource : written) {
            if (!(resource instanceof DocumentReference doc)) {
                continue;
            }
            for (DocumentReference.DocumentReferenceRelatesToComponent relation : doc.getRelatesTo()) {
                if (relation.getCode() != DocumentReference.DocumentRelationshipType.REPLACES || !relation.getTarget().hasReference()) {
                    continue;
                }
                String target = relation.getTarget().getReference();
                ResourceStore.Key key = new ResourceStore.Key("DocumentReference", target.substring(target.lastIndexOf('/') + 1));
                DocumentReference replaced = (DocumentReference) service.lockAndRead(key);
                if (replaced.getStatus() != DocumentReferenceStatus.SUPERSEDED) {
                    replaced.setStatus(DocumentReferenceStatus.SUPERSEDED);
                    service.update(key, replaced, null, writes);
                }
            }
        }
    }

    private static boolean isListOfType(ListResource list, String code) {
        return list.getCode().getCoding().stream().anyMatch(c -> LIST_TYPES.equals(c.getSystem()) && code.equals(c.getCode()));
    }

    private static byte[] sha1(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
