package org.hygie.fhir.web;

import static org.hygie.fhir.error.FhirErrors.badRequest;

import ca.uhn.fhir.rest.api.EncodingEnum;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A resource as a client sent it, for $validate: its type, its JSON (XML is converted by a lenient parse),
 * the profiles it claims; a Parameters body gives its {@code resource} parameter. Nothing is refused for its
 * content here: that is what validation reports.
 */
record RawResource(String type, byte[] json, List<String> profiles) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static RawResource of(String body, EncodingEnum encoding) {
        if (body == null || body.isBlank()) {
            throw badRequest("$validate needs the resource to check (the body, or a Parameters with a resource parameter)", "resource");
        }
        String text = body;
        if (encoding == EncodingEnum.XML) {
            // XML is read leniently (values kept as sent), then checked as JSON
            ca.uhn.fhir.context.FhirContext lenient = ca.uhn.fhir.context.FhirContext.forR4Cached();
            try {
                text = lenient.newJsonParser().encodeResourceToString(lenient.newXmlParser()
                        .setParserErrorHandler(new ca.uhn.fhir.parser.LenientErrorHandler(false)).parseResource(body));
            } catch (ca.uhn.fhir.parser.DataFormatException e) {
                throw badRequest("The body is not a FHIR resource in XML: " + e.getMessage(), "resource");
            }
        }
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw badRequest("The body is not JSON: " + e.getOriginalMessage(), "resource");
        }
        if (node != null && "Parameters".equals(node.path("resourceType").asText())) {
            JsonNode inner = null;
            for (JsonNode p : node.path("parameter")) {
                if ("resource".equals(p.path("name").asText()) && p.has("resource")) {
                    inner = p.get("resource");
                }
            }
            node = inner;
        }
        if (node == null || !node.isObject() || !node.path("resourceType").isTextual()) {
            throw badRequest("$validate needs a resource with a resourceType (the body, or a Parameters with a resource parameter)",
                    "resource");
        }
        List<String> profiles = new ArrayList<>();
        node.path("meta").path("profile").forEach(p -> profiles.add(p.asText()));
        try {
            return new RawResource(node.get("resourceType").asText(), JSON.writeValueAsBytes(node), List.copyOf(profiles));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("re-encoding parsed JSON failed", e);
        }
    }
}
