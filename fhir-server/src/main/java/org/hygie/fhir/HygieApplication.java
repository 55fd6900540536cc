package org.hygie.fhir;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class HygieApplication {
    public static void main(String[] args) {
        SpringApplication.run(HygieApplication.class, args);
    }
}
