package io.imagelib.support.web;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * problem+json for every error and a request body limit, for the servlet-based control-plane services.
 * Runs before WebMvcAutoConfiguration so Boot's own ProblemDetailsExceptionHandler (conditional on a missing
 * ResponseEntityExceptionHandler) backs off; with both present Boot's wins and bodies lose their imagelib type.
 */
@AutoConfiguration(beforeName = "org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(DispatcherServlet.class)
@EnableConfigurationProperties(ImagelibWebProperties.class)
@Import(ProblemDetailsAdvice.class)
public class ImagelibWebAutoConfiguration {

    @Bean
    FilterRegistrationBean<RequestBodyLimitFilter> requestBodyLimitFilter(ImagelibWebProperties properties) {
        long max = properties.maxRequestBody().toBytes();
        var registration = new FilterRegistrationBean<>(new RequestBodyLimitFilter(max <= 0 ? Long.MAX_VALUE : max));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }
}
