package io.imagelib.catalogsync.config;

import java.net.URI;
import java.time.Duration;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * catalog-sync settings ({@code imagelib.catalog-sync}).
 *
 * @param keystoneUrl    Keystone identity URL without version, e.g. {@code http://127.0.0.1:5000}
 * @param serviceType    catalog service type whose endpoints we keep in step
 * @param serviceName    its name (several services may share a type); empty matches any
 * @param interfaces     endpoint interfaces set to the admin URL; {@code admin} only unless public/internal are wanted
 * @param requestTimeout connect and response timeout of every Keystone call
 * @param resyncInterval how often in-sync regions are re-checked (repairs hand edits of the catalog)
 * @param backoff        retry pacing while Keystone is down
 * @param auth           how we get a token
 */
@ConfigurationProperties("imagelib.catalog-sync")
public record CatalogSyncProperties(
        @DefaultValue("http://127.0.0.1:5000") URI keystoneUrl,
        @DefaultValue("image") String serviceType,
        @DefaultValue("glance") String serviceName,
        @DefaultValue("admin") Set<String> interfaces,
        @DefaultValue("3s") Duration requestTimeout,
        @DefaultValue("60s") Duration resyncInterval,
        @DefaultValue Backoff backoff,
        @DefaultValue Auth auth) {

    /** Exponential backoff: first retry after {@code initial}, times {@code multiplier}, at most {@code max}. */
    public record Backoff(@DefaultValue("200ms") Duration initial, @DefaultValue("10s") Duration max,
                          @DefaultValue("2.0") double multiplier) {
    }

    /**
     * @param method                      {@code password}, {@code application-credential} or {@code token}
     * @param username                    service user (method password)
     * @param userDomain                  its domain name
     * @param password                    its password
     * @param projectName                 project to scope the token to; empty asks for a system-scoped token
     * @param projectDomain               that project's domain name
     * @param applicationCredentialId     method application-credential
     * @param applicationCredentialSecret its secret
     * @param token                       method token: a static X-Auth-Token (cannot be renewed)
     * @param renewBefore                 renew an issued token this long before it expires
     */
    public record Auth(
            @DefaultValue("password") String method,
            String username,
            @DefaultValue("Default") String userDomain,
            String password,
            String projectName,
            @DefaultValue("Default") String projectDomain,
            String applicationCredentialId,
            String applicationCredentialSecret,
            String token,
            @DefaultValue("5m") Duration renewBefore) {

        @Override
        public String toString() {
            return "Auth[method=" + method + ", username=" + username + ", projectName=" + projectName + "]";
        }
    }
}
