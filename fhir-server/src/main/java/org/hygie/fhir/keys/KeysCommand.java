package org.hygie.fhir.keys;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import org.hygie.fhir.HygieApplication;
import org.hygie.fhir.crypto.MasterKeyLoader;
import org.hygie.fhir.config.Storage;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code java -jar fhir-server.jar keys <command> [--hygie.*=... --spring.datasource.*=...]}: opens the
 * data exactly as the server would (same configuration), runs one key operation and exits. With the
 * embedded database, stop the server first (one PostgreSQL per data directory).
 */
public final class KeysCommand {
    private static final String USAGE = """
            usage: java -jar fhir-server.jar keys <command> [options]
              status                        data keys per master key
              generate-master-key <file>    write a new master key file (32 random bytes, base64, mode 0600)
              rotate-master                 re-wrap every data key under hygie.crypto.master-key-file; list the
                                            old key in hygie.crypto.previous-master-key-files while it runs
              rotate-index                  new blind-index key and every resource re-indexed; servers stopped
              shred-patient <Patient id>    destroy a patient's data key (crypto-shredding)
            options are the server's: --hygie.data-dir=..., --hygie.crypto.master-key-file=..., --spring.datasource.url=...""";

    private KeysCommand() {}

    public static int run(String[] args, PrintStream out) {
        if (HygieApplication.wantsHelp(args)) {
            out.println(USAGE);
            return 0;
        }
        if (args.length < 2) {
            out.println(USAGE);
            return 2;
        }
        String command = args[1];
        String[] positional = Arrays.stream(args).skip(2).filter(a -> !a.startsWith("--")).toArray(String[]::new);
        String[] options = Arrays.stream(args).skip(2).filter(a -> a.startsWith("--")).toArray(String[]::new);
        if (command.equals("generate-master-key")) {
            if (positional.length != 1) {
                out.println(USAGE);
                return 2;
            }
            MasterKeyLoader.writeNewKeyFile(Path.of(positional[0]));
            out.println("New master key written to " + positional[0] + " (" + MasterKeyLoader.fromKeyFile(Path.of(positional[0])).id() + ")");
            return 0;
        }
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(HygieApplication.class)
                .web(WebApplicationType.NONE)
                .properties("logging.level.root=WARN", "spring.main.banner-mode=off",
                        "hygie.crypto.maintenance=" + command.equals("rotate-index"))
                .run(options)) {
            KeyOperations keys = new KeyOperations(context.getBean(Storage.class));
            switch (command) {
                case "status" -> keys.status().forEach((kek, count) -> out.println(kek + "\t" + count + " data keys"));
                case "rotate-master" -> {
                    int total = keys.rotateMasterKey(done -> out.println("re-wrapped " + done + " data keys"));
                    out.println("done: " + total + " data keys re-wrapped; remove the old key from previous-master-key-files");
                }
                case "rotate-index" -> {
                    int total = keys.rotateIndexKey(done -> out.println("re-indexed " + done + " resources"));
                    out.println("done: " + total + " resources re-indexed under a new index key; servers may start");
                }
                case "shred-patient" -> {
                    if (positional.length != 1) {
                        out.println(USAGE);
                        return 2;
                    }
                    out.println("erased " + keys.shredPatient(positional[0]) + " stored versions; the patient's data key is destroyed");
                }
                default -> {
                    out.println(USAGE);
                    return 2;
                }
            }
            return 0;
        }
    }
}
