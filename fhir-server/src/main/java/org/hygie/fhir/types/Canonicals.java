package org.hygie.fhir.types;

import org.hygie.fhir.error.ConfigurationProblem;
/**
 * The canonical base of everything Hygie defines (profiles, extensions, code systems, operations):
 * {@value #DEFAULT_BASE} by default, or the base of an operator who republishes the implementation guide
 * under its own domain ({@code hygie.conformance.canonical-base}). Set once at startup, before the
 * packages are read; the database records it, since stored resources carry these URLs (extensions, codes).
 * Canonicals follow the server's own layout ({@code base/Type/id}): an operator whose canonical base is
 * their server's FHIR base has canonicals that resolve as they are.
 */
public final class Canonicals {
    public static final String DEFAULT_BASE = "https://fhir.hygie.health";

    private static volatile String base = DEFAULT_BASE;

    private Canonicals() {}

    public static String base() {
        return base;
    }

    /** {@code base/path}, e.g. {@code url("StructureDefinition/hold-expires")}. */
    public static String url(String path) {
        return base + "/" + path;
    }

    /** The canonical base from now on (startup only). */
    public static synchronized void use(String configured) {
        String normalized = configured == null || configured.isBlank() ? DEFAULT_BASE : configured.trim().replaceAll("/+$", "");
        if (!normalized.matches("https?://[^\\s\"]+")) {
            throw new ConfigurationProblem("hygie.conformance.canonical-base must be an http(s) URL, not '" + configured + "'");
        }
        base = normalized;
    }

    /** A package file's text as this deployment publishes it: Hygie's default base replaced by the configured one. */
    public static String rebased(String json) {
        return base.equals(DEFAULT_BASE) ? json : json.replace(DEFAULT_BASE + "/", base + "/");
    }
}
