package io.imagelib.support.security;

import io.imagelib.support.web.ProblemResponses;
import io.imagelib.support.web.Problems;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;

/**
 * Mutations need a bearer token of a principal with the {@code admin} role; reads are open when
 * {@code imagelib.security.open-reads} is true. Failures are problem+json: 401 names the missing or unknown
 * token, 403 the missing role.
 */
@AutoConfiguration(beforeName = {
        "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration"})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(SecurityFilterChain.class)
@EnableConfigurationProperties(ImagelibSecurityProperties.class)
public class ImagelibSecurityAutoConfiguration {

    public static final String ADMIN_ROLE = "admin";

    @Bean
    @ConditionalOnMissingBean
    BearerTokens bearerTokens(ImagelibSecurityProperties properties) {
        return BearerTokens.from(properties);
    }

    /** Present only when {@code imagelib.security.keystone.url} is set. */
    @Bean
    @ConditionalOnProperty(prefix = "imagelib.security.keystone", name = "url")
    KeystoneTokenValidator keystoneTokenValidator(ImagelibSecurityProperties properties, MeterRegistry meters) {
        return new KeystoneTokenValidator(properties.keystone(),
                HttpClient.newBuilder().connectTimeout(properties.keystone().timeout()).build(), Clock.systemUTC(), meters);
    }

    @Bean
    @ConditionalOnMissingBean(SecurityFilterChain.class)
    SecurityFilterChain imagelibSecurityFilterChain(HttpSecurity http, BearerTokens tokens,
                                                    ObjectProvider<KeystoneTokenValidator> keystone,
                                                    ImagelibSecurityProperties properties) throws Exception {
        http.csrf(csrf -> csrf.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .addFilterBefore(new BearerTokenFilter(tokens, Optional.ofNullable(keystone.getIfAvailable())),
                        AnonymousAuthenticationFilter.class)
                .authorizeHttpRequests(auth -> {
                    auth.requestMatchers("/actuator/health/**", "/actuator/health", "/actuator/info",
                            "/actuator/prometheus", "/v3/api-docs/**", "/swagger-ui/**", "/swagger-ui.html", "/error").permitAll();
                    if (properties.openReads()) {
                        auth.requestMatchers(HttpMethod.GET).permitAll().requestMatchers(HttpMethod.HEAD).permitAll();
                    }
                    auth.anyRequest().hasRole(ADMIN_ROLE);
                })
                .exceptionHandling(e -> e
                        .authenticationEntryPoint((request, response, ex) -> {
                            response.setHeader("WWW-Authenticate", "Bearer realm=\"imagelib\"");
                            ProblemResponses.write(response, Problems.detail(HttpStatus.UNAUTHORIZED, "unauthenticated",
                                    "Authentication required",
                                    "Send 'Authorization: Bearer <token>' (or 'X-Auth-Token: <token>') with a token "
                                            + "configured under imagelib.security, or a Keystone token when "
                                            + "imagelib.security.keystone.url is set; the request had none or an "
                                            + "unknown, expired or unverifiable one."));
                        })
                        .accessDeniedHandler((request, response, ex) -> ProblemResponses.write(response,
                                Problems.detail(HttpStatus.FORBIDDEN, "forbidden", "Admin role required",
                                        "This operation changes state and needs a token whose principal has the '"
                                                + ADMIN_ROLE + "' role."))));
        return http.build();
    }
}
