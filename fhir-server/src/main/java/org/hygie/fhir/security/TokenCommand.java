package org.hygie.fhir.security;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code java -jar fhir-server.jar token --scope "<scopes>" [--patient Patient/ID] [--practitioner Practitioner/ID]
 * [--client-id ID] [--ttl 3600] [--hygie.data-dir=DIR] [--hygie.security.audience=AUD]}: prints a bearer token
 * signed with the data dir's dev key, alone on stdout, for a server started with hygie.security.dev-issuer=true.
 */
public final class TokenCommand {
    private static final String USAGE = """
            usage: java -jar fhir-server.jar token --scope "<SMART scopes>" [--patient Patient/ID]
                   [--practitioner Practitioner/ID] [--client-id ID] [--ttl SECONDS]
                   [--hygie.data-dir=DIR] [--hygie.security.audience=AUD]
            prints a token signed with the dev key under the data dir (trusted by a server started with
            --hygie.security.dev-issuer=true and the same data dir). Defaults: client-id hygie-dev-client,
            ttl 3600, data dir ./data (or HYGIE_DATA_DIR), audience hygie (or HYGIE_SECURITY_AUDIENCE).""";
    private static final Set<String> OPTIONS = Set.of("--scope", "--patient", "--practitioner", "--client-id", "--ttl",
            "--hygie.data-dir", "--hygie.security.audience");

    private TokenCommand() {}

    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (org.hygie.fhir.HygieApplication.wantsHelp(args)) {
            out.println(USAGE);
            return 0;
        }
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            if (!OPTIONS.contains(name)) {
                err.println("token: unknown option " + name + "\n" + USAGE);
                return 2;
            }
            if (arg.contains("=")) {
                options.put(name, arg.substring(arg.indexOf('=') + 1));
            } else if (i + 1 < args.length) {
                options.put(name, args[++i]);
            } else {
                err.println("token: " + name + " needs a value\n" + USAGE);
                return 2;
            }
        }
        String scope = options.get("--scope");
        if (scope == null || scope.isBlank()) {
            err.println("token: --scope is required\n" + USAGE);
            return 2;
        }
        String patient = id(options.get("--patient"), "Patient");
        String practitioner = id(options.get("--practitioner"), "Practitioner");
        if ((options.containsKey("--patient") && patient == null) || (options.containsKey("--practitioner") && practitioner == null)) {
            err.println("token: --patient takes Patient/ID and --practitioner takes Practitioner/ID\n" + USAGE);
            return 2;
        }
        long ttl;
        try {
            ttl = Long.parseLong(options.getOrDefault("--ttl", "3600"));
        } catch (NumberFormatException e) {
            err.println("token: --ttl takes a number of seconds\n" + USAGE);
            return 2;
        }
        Path dataDir = Path.of(options.getOrDefault("--hygie.data-dir", env("HYGIE_DATA_DIR", "./data"))).toAbsolutePath().normalize();
        if (!DevIssuer.exists(dataDir)) {
            // a server started elsewhere holds another key: say which data dir this token is for, or the 401 is a riddle
            err.println("token: no dev key under " + dataDir + " yet, so a new one was made there. A server started with another"
                    + " data dir will refuse this token (401): run this command with that server's --hygie.data-dir.");
        }
        String audience = options.getOrDefault("--hygie.security.audience", env("HYGIE_SECURITY_AUDIENCE", "hygie"));
        out.println(DevIssuer.open(dataDir).sign(audience, options.getOrDefault("--client-id", "hygie-dev-client"), scope.trim(),
                patient, practitioner, Duration.ofSeconds(ttl)));
        return 0;
    }

    /** {@code Type/ID} or a bare id; null if malformed. */
    private static String id(String reference, String type) {
        if (reference == null) {
            return null;
        }
        String id = reference.startsWith(type + "/") ? reference.substring(type.length() + 1) : reference;
        return id.matches("[A-Za-z0-9\\-.]{1,64}") ? id : null;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
