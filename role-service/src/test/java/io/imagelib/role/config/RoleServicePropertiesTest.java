package io.imagelib.role.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** The lease's session timeout has one default (6 s, in the record) and the documented environment variable. */
class RoleServicePropertiesTest {

    @Test
    void theSessionTimeoutDefaultsToSixSeconds() {
        assertThat(bind(Map.of()).lease().sessionTimeout()).isEqualTo(Duration.ofSeconds(6));
    }

    @Test
    void theEnvironmentVariableSetsTheSessionTimeout() {
        assertThat(bind(Map.of("IMAGELIB_ROLE_LEASE_SESSION_TIMEOUT", "2s")).lease().sessionTimeout())
                .isEqualTo(Duration.ofSeconds(2));
    }

    private static RoleServiceProperties bind(Map<String, Object> environment) {
        var env = new StandardEnvironment();
        env.getPropertySources().addFirst(new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, environment));
        return new Binder(ConfigurationPropertySources.get(env))
                .bindOrCreate("imagelib.role", RoleServiceProperties.class);
    }
}
