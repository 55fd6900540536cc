package org.hygie.fhir.documents;

import static org.hygie.fhir.error.FhirErrors.unprocessable;

import java.util.function.Supplier;
import org.hygie.fhir.error.FhirErrors;
import org.hygie.fhir.storage.ResourceStore;
import org.hygie.fhir.storage.WriteRule;
import org.hygie.fhir.storage.WriteSet;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * ANS PDSm on stored documents: no physical delete (a document is withdrawn with status
 * {@code superseded} or {@code entered-in-error}, its history kept), and once filed only its status,
 * security labels and the {@code isArchived} extension change (flux 03/04: metadata update).
 */
public final class DocumentReferenceRules implements WriteRule {
    static final String IS_ARCHIVED = "https://interop.esante.gouv.fr/ig/fhir/pdsm/StructureDefinition/pdsm-ext-is-archived";

    @Override
    public String resourceType() {
        return "DocumentReference";
    }

    @Override
    public void beforeWrite(ResourceStore.Key key, Supplier<IBaseResource> previous, IBaseResource next, WriteSet writes) {
        if (next == null) {
            ca.uhn.fhir.rest.server.exceptions.MethodNotAllowedException refused = new ca.uhn.fhir.rest.server.exceptions.MethodNotAllowedException(
                    "Documents are never deleted: set status to superseded or entered-in-error (a PATCH), the history stays");
            refused.setOperationOutcome(FhirErrors.outcome(OperationOutcome.IssueType.BUSINESSRULE, refused.getMessage(), "DocumentReference"));
            throw refused;
        }
        if (!(previous.get() instanceof DocumentReference before) || !(next instanceof DocumentReference after)) {
            return;
        }
        if (!withoutMutableMetadata(before).equalsDeep(withoutMutableMetadata(after))) {
            throw unprocessable("A filed document's metadata is fixed: only status, securityLabel and the isArchived extension may"
                    + " change; publish a replacement (relatesTo.code=replaces) for anything else", "DocumentReference");
        }
    }

    private static DocumentReference withoutMutableMetadata(DocumentReference doc) {
        DocumentReference copy = doc.copy();
        copy.setStatus(null);
        copy.setSecurityLabel(null);
        copy.getExtension().removeIf(e -> IS_ARCHIVED.equals(e.getUrl()));
        copy.setMeta(null);
        copy.setText(null);
        copy.setId((String) null);
        return copy;
    }
}
