package org.hygie.fhir.documents;

import static org.hygie.fhir.error.FhirErrors.unprocessable;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Supplier;
import org.hygie.fhir.storage.ResourceService;
import org.hygie.fhir.storage.ResourceStore;
import org.hygie.fhir.storage.WriteRule;
import org.hygie.fhir.storage.WriteSet;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.StringType;

/**
 * Keeps Binary content out of the resource payload: a Binary written with {@code data} has it moved to the
 * {@link ContentStore} and is stored with a binary-content extension on its meta instead (Binary has no
 * extensions of its own: content id, size, SHA-1), which {@link #inline} turns back into {@code data} for
 * FHIR responses. Clients never set that extension themselves: the only other way in is content the
 * server has just streamed, handed over as user data ({@link #streamed}), which no request body can carry.
 */
public final class BinaryContent implements WriteRule {
    public static String contentUrl() {
        return org.hygie.fhir.types.Canonicals.url("StructureDefinition/binary-content");
    }

    private static final String STREAMED = BinaryContent.class.getName() + ".streamed";

    /** The stored content a Binary names. */
    public record Ref(String contentId, long size, byte[] sha1) {}

    private final ContentStore content;
    private final ResourceService service;
    private final long maxBytes;

    public BinaryContent(ContentStore content, ResourceService service, long maxBytes) {
        this.content = content;
        this.service = service;
        this.maxBytes = maxBytes;
    }

    @Override
    public String resourceType() {
        return "Binary";
    }

    @Override
    public void beforeWrite(ResourceStore.Key key, Supplier<IBaseResource> previous, IBaseResource next, WriteSet writes) {
        if (!(next instanceof Binary binary)) {
            return;
        }
        Ref streamed = (Ref) binary.getUserData(STREAMED);
        Extension claimed = binary.getMeta().getExtensionByUrl(contentUrl());
        binary.getMeta().getExtension().removeIf(e -> contentUrl().equals(e.getUrl()));
        if (streamed != null) {
            attach(binary, streamed);
        } else if (binary.hasData()) {
            try {
                ContentStore.Stored stored = content.write(new ByteArrayInputStream(binary.getData()), service.patientOf(binary), maxBytes);
                binary.setData(null);
                attach(binary, new Ref(stored.contentId(), stored.size(), stored.sha1()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } else if (claimed != null) {
            // a change of metadata only (a PATCH of the stored version) keeps the content it had; naming any other is refused
            Extension had = previous.get() instanceof Binary before ? before.getMeta().getExtensionByUrl(contentUrl()) : null;
            if (had == null || !had.equalsDeep(claimed)) {
                throw unprocessable("The " + contentUrl() + " extension is managed by the server: send the content as Binary.data"
                        + " or as the raw body of POST/PUT Binary", "Binary.meta.extension");
            }
            binary.getMeta().addExtension(claimed);
        }
    }

    /** Marks content the server has just streamed in as this Binary's; the write rule attaches it. */
    static void streamed(Binary binary, Ref ref) {
        binary.setUserData(STREAMED, ref);
    }

    private static void attach(Binary binary, Ref ref) {
        Extension ext = binary.getMeta().addExtension().setUrl(contentUrl());
        ext.addExtension("id", new StringType(ref.contentId()));
        ext.addExtension("size", new DecimalType(ref.size()));
        ext.addExtension("sha1", new Base64BinaryType(ref.sha1()));
    }

    /** The content a stored Binary names, or null. */
    public static Ref ref(Binary binary) {
        Extension ext = binary.getMeta().getExtensionByUrl(contentUrl());
        if (ext == null || ext.getExtensionByUrl("id") == null) {
            return null;
        }
        Extension size = ext.getExtensionByUrl("size");
        Extension sha1 = ext.getExtensionByUrl("sha1");
        return new Ref(ext.getExtensionByUrl("id").getValue().primitiveValue(),
                size == null ? 0 : ((DecimalType) size.getValue()).getValue().longValue(),
                sha1 == null ? null : ((Base64BinaryType) sha1.getValue()).getValue());
    }

    /**
     * The Binary as clients see it: {@code data} back in place of the extension. Content above
     * {@code maxInline} is not inlined (a 406 telling to ask for the raw bytes).
     */
    public void inline(Binary binary, long maxInline) {
        Ref ref = ref(binary);
        if (ref == null) {
            return;
        }
        if (ref.size() > maxInline) {
            throw org.hygie.fhir.error.FhirErrors.notAcceptable("This document (" + ref.size() + " bytes) is too large for"
                    + " a FHIR " + "representation (hygie.documents.max-inline-bytes = " + maxInline + "); GET it with Accept: "
                    + binary.getContentType() + " for the raw bytes");
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream((int) ref.size());
        try {
            content.read(ref.contentId(), 0, ref.size(), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        binary.getMeta().getExtension().removeIf(e -> contentUrl().equals(e.getUrl()));
        binary.setData(out.toByteArray());
    }
}
