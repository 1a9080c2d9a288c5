package io.fatamorgana.ordercache;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/**
 * A Spring Boot application with auto-configuration only; each test class adds its own beans.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class IntegrationTestApplication {

}
