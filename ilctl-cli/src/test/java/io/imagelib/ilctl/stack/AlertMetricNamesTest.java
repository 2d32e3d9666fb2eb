package io.imagelib.ilctl.stack;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AlertMetricNamesTest {

    @Test
    void selectorsAreFoundAndFunctionsLabelsAndDurationsAreNot() {
        assertThat(AlertMetricNames.inExpression(
                "max by (region, host) (changes(imagelib_endpoint_admin_epoch{region=~\"SJC|DFW\"}[10m])) > 0"))
                .containsExactly("imagelib_endpoint_admin_epoch");
    }

    @Test
    void bothSidesOfABinaryOperatorAndOffsetsCount() {
        assertThat(AlertMetricNames.inExpression(
                "sum by (job) (increase(a_total[1h])) > 0 or sum without (instance) (b_total unless b_total offset 1h) > 0"))
                .containsExactly("a", "b");
    }

    @Test
    void countersAndTimersAreComparedByTheirFamilyName() {
        assertThat(AlertMetricNames.inExpression("rate(imagelib_catalogsync_lag_seconds_count[5m]) / on (region) x_sum"))
                .containsExactly("imagelib_catalogsync_lag_seconds", "x");
        assertThat(AlertMetricNames.family("kafka_consumer_fetch_manager_records_lag_max"))
                .as("a _max gauge is its own family").isEqualTo("kafka_consumer_fetch_manager_records_lag_max");
    }

    @Test
    void labelValuesThatLookLikeMetricNamesAreNotMetrics() {
        assertThat(AlertMetricNames.inExpression("up{job=~\"imagelib-.*\", instance='not_a_metric'} == 0"))
                .containsExactly("up");
    }

    @Test
    void anExpositionYieldsItsSampleFamilies() {
        String scrape = """
                # HELP imagelib_router_panic_entries_total Panic entries
                # TYPE imagelib_router_panic_entries_total counter
                imagelib_router_panic_entries_total{region="SJC"} 1.0
                imagelib_router_hosts_up{region="SJC"} 2.0
                jvm_threads_live_threads 42.0
                """;
        assertThat(AlertMetricNames.exported(scrape))
                .containsExactly("imagelib_router_hosts_up", "imagelib_router_panic_entries", "jvm_threads_live_threads");
    }

    @Test
    void everyAlertOfTheShippedRulesSelectsSomething() {
        var usedBy = AlertMetricNames.usedByAlerts(
                Project.locate().root().resolve("deploy/prometheus/imagelib-alerts.yml"));
        assertThat(usedBy).containsKeys("imagelib_router_hosts_up", "imagelib_kafka_dead_letters",
                "kafka_consumer_fetch_manager_records_lag_max", "up");
        assertThat(usedBy.values().stream().flatMap(java.util.Set::stream).distinct())
                .contains("ImagelibRegionNoUpHost", "ImagelibPanicMode", "ImagelibAdminEndpointChanged",
                        "ImagelibHostFlapping", "ImagelibRecordsParked", "ImagelibConsumerBlockedOnRegistry",
                        "ImagelibConsumerLag", "ImagelibCatalogSyncFailing");
    }
}
