package io.imagelib.support.web;

import org.apache.catalina.Pipeline;
import org.apache.catalina.Valve;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * problem+json for every error (MVC exceptions, Boot's /error page, Tomcat's own reports) and a request body
 * limit, for the servlet-based control-plane services.
 * Runs before WebMvcAutoConfiguration so Boot's own ProblemDetailsExceptionHandler (conditional on a missing
 * ResponseEntityExceptionHandler) backs off; with both present Boot's wins and bodies lose their imagelib type.
 */
@AutoConfiguration(beforeName = {"org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration",
        "org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration"})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(DispatcherServlet.class)
@EnableConfigurationProperties(ImagelibWebProperties.class)
@Import({ProblemDetailsAdvice.class, ProblemErrorController.class})
public class ImagelibWebAutoConfiguration {

    @Bean
    FilterRegistrationBean<RequestBodyLimitFilter> requestBodyLimitFilter(ImagelibWebProperties properties) {
        long max = properties.maxRequestBody().toBytes();
        var registration = new FilterRegistrationBean<>(new RequestBodyLimitFilter(max <= 0 ? Long.MAX_VALUE : max));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    /** Swaps Tomcat's HTML error report for {@link ProblemJsonErrorReportValve} once the server has started. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(TomcatWebServer.class)
    static class TomcatErrorReports {

        @Bean
        ApplicationListener<WebServerInitializedEvent> problemJsonTomcatErrorReports() {
            return event -> {
                if (event.getWebServer() instanceof TomcatWebServer tomcat) {
                    Pipeline pipeline = tomcat.getTomcat().getHost().getPipeline();
                    for (Valve valve : pipeline.getValves()) {
                        if (valve instanceof ErrorReportValve && !(valve instanceof ProblemJsonErrorReportValve)) {
                            pipeline.removeValve(valve);
                        }
                    }
                    pipeline.addValve(new ProblemJsonErrorReportValve());
                }
            };
        }
    }
}
