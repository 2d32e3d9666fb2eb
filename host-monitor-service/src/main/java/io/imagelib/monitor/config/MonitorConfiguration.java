package io.imagelib.monitor.config;

import io.imagelib.monitor.probe.HostProber;
import io.imagelib.monitor.probe.ProbeMetrics;
import io.imagelib.monitor.probe.TransitionSink;
import io.imagelib.support.kafka.ImagelibKafkaProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class MonitorConfiguration {

    /**
     * One thread only starts rounds (each start is a non-blocking sendAsync); answers are handled on the HttpClient's
     * own threads. Cancelled host tasks are removed at once so unwatched hosts do not pile up in the queue.
     */
    @Bean(destroyMethod = "shutdownNow")
    ScheduledThreadPoolExecutor probeScheduler() {
        var scheduler = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().name("probe-scheduler").daemon().factory());
        scheduler.setRemoveOnCancelPolicy(true);
        return scheduler;
    }

    /**
     * A dead instance's hosts are probed by nobody until its session ends and the survivor takes their partitions
     * (service-support's {@code imagelib.kafka.group-session}); a Glance admin dying meanwhile waits that long for its DOWN.
     */
    @Bean
    DefaultKafkaConsumerFactoryCustomizer groupSession(ImagelibKafkaProperties kafka) {
        return factory -> factory.updateConfigs(kafka.groupSession().consumerConfig());
    }

    @Bean(destroyMethod = "close")
    HostProber hostProber(MonitorProperties properties, TransitionSink sink, ScheduledThreadPoolExecutor probeScheduler,
                          MeterRegistry meterRegistry) {
        var settings = properties.probeSettings();
        var probe = properties.client().create(settings, Clock.systemUTC());
        return new HostProber(probe, sink, settings, probeScheduler, new ProbeMetrics(meterRegistry));
    }
}
