package org.hygie.fhir;

import org.hygie.fhir.keys.KeysCommand;
import org.hygie.fhir.load.LoadCommand;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class HygieApplication {
    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("keys")) {
            System.exit(KeysCommand.run(args, System.out));
        }
        if (args.length > 0 && args[0].equals("audit")) {
            System.exit(org.hygie.fhir.audit.AuditCommand.run(args, System.out));
        }
        if (args.length > 0 && args[0].equals("token")) {
            System.exit(org.hygie.fhir.security.TokenCommand.run(args, System.out, System.err));
        }
        if (args.length > 0 && args[0].equals("load")) {
            System.exit(LoadCommand.run(args, System.out, System.err));
        }
        SpringApplication.run(HygieApplication.class, args);
    }
}
