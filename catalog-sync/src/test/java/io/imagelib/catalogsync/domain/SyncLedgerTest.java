package io.imagelib.catalogsync.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class SyncLedgerTest {

    private static final Instant T = Instant.parse("2026-11-25T16:00:00Z");

    @Test
    void onlyANewerEpochBecomesWanted() {
        var ledger = SyncLedger.EMPTY.want(desired(5, "u5"));
        assertThat(ledger.want(desired(4, "u4"))).isSameAs(ledger);
        assertThat(ledger.want(desired(5, "other"))).isSameAs(ledger);
        assertThat(ledger.want(desired(6, "u6")).region("SJC").orElseThrow().desired().url()).isEqualTo("u6");
    }

    @Test
    void aResultForASupersededEpochIsIgnored() {
        var ledger = SyncLedger.EMPTY.want(desired(5, "u5")).want(desired(6, "u6"));
        assertThat(ledger.synced("SJC", 5, T)).isSameAs(ledger);
        assertThat(ledger.failed("SJC", 5, "down")).isSameAs(ledger);
        assertThat(ledger.isLatest("SJC", 5)).isFalse();
        assertThat(ledger.isLatest("SJC", 6)).isTrue();
    }

    @Test
    void failuresCountUntilTheEpochIsSyncedOrSuperseded() {
        var failing = SyncLedger.EMPTY.want(desired(1, "u1")).failed("SJC", 1, "down").failed("SJC", 1, "still down");
        var region = failing.region("SJC").orElseThrow();
        assertThat(region.failedAttempts()).isEqualTo(2);
        assertThat(region.lastError()).contains("still down");
        assertThat(region.inSync()).isFalse();

        var synced = failing.synced("SJC", 1, T).region("SJC").orElseThrow();
        assertThat(synced.inSync()).isTrue();
        assertThat(synced.failedAttempts()).isZero();
        assertThat(synced.syncedAt()).isEqualTo(T);

        var superseded = failing.want(desired(2, "u2")).region("SJC").orElseThrow();
        assertThat(superseded.failedAttempts()).isZero();
        assertThat(superseded.syncedEpoch()).isEqualTo(RegionSync.NEVER);
    }

    @Test
    void aNewEpochKeepsTheLastSyncedOneForHealth() {
        var ledger = SyncLedger.EMPTY.want(desired(1, "u1")).synced("SJC", 1, T).want(desired(2, "u2"));
        var region = ledger.region("SJC").orElseThrow();
        assertThat(region.syncedEpoch()).isEqualTo(1);
        assertThat(region.inSync()).isFalse();
    }

    @Test
    void regionsAreIndependent() {
        var ledger = SyncLedger.EMPTY.want(desired(9, "u9")).want(new DesiredAdmin("DFW", "d1", "d", 1, T));
        assertThat(ledger.isLatest("DFW", 1)).isTrue();
        assertThat(ledger.isLatest("SJC", 9)).isTrue();
        assertThat(ledger.isLatest("NYC", 1)).isFalse();
    }

    private static DesiredAdmin desired(long epoch, String url) {
        return new DesiredAdmin("SJC", "h" + epoch, url, epoch, T);
    }
}
