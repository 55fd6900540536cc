package org.hygie.fhir.storage.patch;

import static org.hygie.fhir.error.FhirErrors.badRequest;
import static org.hygie.fhir.error.FhirErrors.unprocessable;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.flipkart.zjsonpatch.InvalidJsonPatchException;
import com.flipkart.zjsonpatch.JsonPatch;
import com.flipkart.zjsonpatch.JsonPatchApplicationException;
import org.hl7.fhir.instance.model.api.IBaseResource;

/** RFC 6902 JSON Patch applied to the resource's JSON form. */
public class JsonPatcher {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FhirContext fhirContext;

    public JsonPatcher(FhirContext fhirContext) {
        this.fhirContext = fhirContext;
    }

    public IBaseResource apply(IBaseResource current, String patchDocument) {
        JsonNode patch;
        try {
            patch = JSON.readTree(patchDocument);
        } catch (JsonProcessingException e) {
            throw badRequest("The JSON Patch document is not valid JSON: " + e.getOriginalMessage(), "body");
        }
        if (patch == null || !patch.isArray()) {
            throw badRequest("A JSON Patch document must be a JSON array of operations", "body");
        }
        try {
            JsonNode source = JSON.readTree(fhirContext.newJsonParser().encodeResourceToString(current));
            JsonNode result = JsonPatch.apply(patch, source);
            return fhirContext.newJsonParser().parseResource(JSON.writeValueAsString(result));
        } catch (InvalidJsonPatchException e) {
            throw badRequest("Invalid JSON Patch: " + e.getMessage(), "body");
        } catch (JsonPatchApplicationException e) {
            throw unprocessable("JSON Patch could not be applied: " + e.getMessage(), "body");
        } catch (DataFormatException e) {
            throw unprocessable("JSON Patch produced an invalid resource: " + e.getMessage(), "body");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("re-encoding a parsed resource failed", e);
        }
    }
}
