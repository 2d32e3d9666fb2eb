package io.imagelib.role.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class RoleRulesTest {

    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    static final Instant T1 = Instant.parse("2026-11-25T11:00:00Z");

    /** Every storage a host can hold, named for the matrix. */
    static final Map<String, Storage> STORAGES = Map.of(
            "NFS /data id-a", Storage.nfs("/data", "id-a"),
            "NFS /other id-a", Storage.nfs("/other", "id-a"),
            "NFS /data id-b", Storage.nfs("/data", "id-b"),
            "BLOCK gold", Storage.block("gold"),
            "BLOCK silver", Storage.block("silver"),
            "LOCAL", Storage.local());

    /**
     * The whole matrix for a second host h2 joining region SJC: what h1 already holds there (or nothing) x what h2
     * asks for. The expected value is the broken rule's slug, or "created".
     */
    static final Map<String, Map<String, String>> EXPECTED = Map.of(
            "empty region", Map.of(
                    "NFS /data id-a", "created", "NFS /other id-a", "created", "NFS /data id-b", "created",
                    "BLOCK gold", "created", "BLOCK silver", "created", "LOCAL", "created"),
            "NFS /data id-a", Map.of(
                    "NFS /data id-a", "created",
                    "NFS /other id-a", "nfs-mount-path-mismatch",
                    "NFS /data id-b", "nfs-storage-id-mismatch",
                    "BLOCK gold", "storage-type-mismatch",
                    "BLOCK silver", "storage-type-mismatch",
                    "LOCAL", "local-storage-multi-host"),
            "BLOCK gold", Map.of(
                    "NFS /data id-a", "storage-type-mismatch",
                    "NFS /other id-a", "storage-type-mismatch",
                    "NFS /data id-b", "storage-type-mismatch",
                    "BLOCK gold", "created",
                    "BLOCK silver", "block-volume-type-mismatch",
                    "LOCAL", "local-storage-multi-host"),
            "LOCAL", Map.of(
                    "NFS /data id-a", "local-storage-multi-host",
                    "NFS /other id-a", "local-storage-multi-host",
                    "NFS /data id-b", "local-storage-multi-host",
                    "BLOCK gold", "local-storage-multi-host",
                    "BLOCK silver", "local-storage-multi-host",
                    "LOCAL", "local-storage-multi-host"));

    static Stream<Arguments> secondHostMatrix() {
        List<Arguments> cases = new ArrayList<>();
        EXPECTED.forEach((existing, row) -> row.forEach((requested, expected) ->
                cases.add(Arguments.of(existing, requested, expected))));
        assertThat(cases).hasSize(4 * STORAGES.size());
        return cases.stream();
    }

    @ParameterizedTest(name = "h1 holds {0}, h2 asks for {1} -> {2}")
    @MethodSource("secondHostMatrix")
    void secondHostInARegion(String existing, String requested, String expected) {
        RoleState state = existing.equals("empty region") ? RoleState.EMPTY
                : RoleState.EMPTY.with("h1", held("SJC", "h1", STORAGES.get(existing)));

        Verdict verdict = RoleRules.check(state, request("SJC", "h2", STORAGES.get(requested)));

        assertThat(outcomeOf(verdict)).isEqualTo(expected);
        if (verdict instanceof Verdict.Refused refused) {
            // the detail names the host already there (the clash) and the host asking
            assertThat(refused.detail()).contains("h1").contains("h2");
            assertThat(refused.rule().kind()).isEqualTo(Rule.Kind.CONFLICT);
        }
    }

    static Stream<Arguments> crossRegionMatrix() {
        return STORAGES.keySet().stream().flatMap(held -> Stream.of("empty region", "NFS /data id-a", "BLOCK gold", "LOCAL")
                .flatMap(target -> STORAGES.keySet().stream().map(requested -> Arguments.of(held, target, requested))));
    }

    @ParameterizedTest(name = "h2 holds {0} in LAX; SJC has {1}; h2 asks for {2} in SJC -> cross-region")
    @MethodSource("crossRegionMatrix")
    void aHostInAnotherRegionIsRefusedWhateverTheStorage(String heldElsewhere, String targetRegion, String requested) {
        RoleState state = RoleState.EMPTY.with("h2", held("LAX", "h2", STORAGES.get(heldElsewhere)));
        if (!targetRegion.equals("empty region")) {
            state = state.with("h1", held("SJC", "h1", STORAGES.get(targetRegion)));
        }

        Verdict verdict = RoleRules.check(state, request("SJC", "h2", STORAGES.get(requested)));

        assertThat(outcomeOf(verdict)).isEqualTo("cross-region");
        assertThat(((Verdict.Refused) verdict).detail())
                .contains("region LAX").contains("DELETE /v1/regions/LAX/hosts/h2/roles/image-library");
    }

    @Test
    void theOnlyHostOfARegionMayChangeItsStorageFreely() {
        for (Storage from : STORAGES.values()) {
            for (Storage to : STORAGES.values()) {
                RoleState state = RoleState.EMPTY.with("h1", held("SJC", "h1", from));
                Verdict verdict = RoleRules.check(state, request("SJC", "h1", to));
                assertThat(outcomeOf(verdict)).as(from + " -> " + to).isEqualTo(from.equals(to) ? "unchanged" : "updated");
            }
        }
    }

    @Test
    void aHostUpdatingItselfIsStillHeldToTheOtherHostsOfItsRegion() {
        RoleState state = RoleState.EMPTY
                .with("h1", held("SJC", "h1", Storage.nfs("/data", "id-a")))
                .with("h2", held("SJC", "h2", Storage.nfs("/data", "id-a")));

        assertThat(outcomeOf(RoleRules.check(state, request("SJC", "h2", Storage.nfs("/moved", "id-a")))))
                .isEqualTo("nfs-mount-path-mismatch");
        assertThat(outcomeOf(RoleRules.check(state, request("SJC", "h2", Storage.local()))))
                .isEqualTo("local-storage-multi-host");
    }

    @Test
    void aThirdHostIsCheckedAgainstEveryHostAlreadyThere() {
        RoleState state = RoleState.EMPTY
                .with("h1", held("SJC", "h1", Storage.block("gold")))
                .with("h2", held("SJC", "h2", Storage.block("gold")));

        assertThat(outcomeOf(RoleRules.check(state, request("SJC", "h3", Storage.block("gold"))))).isEqualTo("created");
        var refused = (Verdict.Refused) RoleRules.check(state, request("SJC", "h3", Storage.local()));
        assertThat(refused.detail()).contains("already has 2 image-library host(s) (h1, h2)")
                .contains("block storage of volume type 'gold'");
    }

    @Test
    void hostsInOtherRegionsDoNotConstrainARegion() {
        RoleState state = RoleState.EMPTY.with("h1", held("LAX", "h1", Storage.local()));

        assertThat(outcomeOf(RoleRules.check(state, request("SJC", "h2", Storage.local())))).isEqualTo("created");
    }

    @Test
    void theSameAssignmentTwiceIsUnchangedAndKeepsTheRecord() {
        HostAssignment first = held("SJC", "h1", Storage.nfs("/data", "id-a"));
        RoleState state = RoleState.EMPTY.with("h1", first);

        var verdict = (Verdict.Accepted) RoleRules.check(state, request("SJC", "h1", Storage.nfs("/data/", "id-a")));

        assertThat(verdict.change()).isEqualTo(Verdict.Change.UNCHANGED);
        assertThat(verdict.record(T1, "someone-else", "r2")).isEqualTo(first);
    }

    @Test
    void aNewAssignmentIsStampedNowAndAnUpdateKeepsItsAssignedAt() {
        var created = (Verdict.Accepted) RoleRules.check(RoleState.EMPTY, request("SJC", "h1", Storage.block("gold")));
        HostAssignment record = created.record(T0, "admin", "r1");
        assertThat(record.assignedAt()).isEqualTo(T0);

        RoleState state = RoleState.EMPTY.with("h1", record);
        var updated = (Verdict.Accepted) RoleRules.check(state,
                new Assignment("SJC", "h1", "http://10.0.0.9:9292", null, Storage.block("gold")));
        assertThat(updated.change()).isEqualTo(Verdict.Change.UPDATE);
        HostAssignment next = updated.record(T1, "ops", "r2");
        assertThat(next.assignedAt()).isEqualTo(T0);
        assertThat(next.assignedBy()).isEqualTo("ops");
        assertThat(next.role().adminUrl()).isEqualTo("https://10.0.0.9:9494");
    }

    @Test
    void adminUrlDefaultsToTheSeedsConventionAndAnExplicitOneIsKept() {
        var defaulted = (Verdict.Accepted) RoleRules.check(RoleState.EMPTY,
                new Assignment("SJC", "h1", "http://111.11.33.138:9292/", null, Storage.local()));
        var explicit = (Verdict.Accepted) RoleRules.check(RoleState.EMPTY,
                new Assignment("SJC", "h1", "http://111.11.33.138:9292", "https://glance-admin.sjc:443", Storage.local()));

        assertThat(defaulted.role().adminUrl()).isEqualTo("https://111.11.33.138:9494");
        assertThat(explicit.role().adminUrl()).isEqualTo("https://glance-admin.sjc:443");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "10.0.0.5:9292", "ftp://10.0.0.5:21", "http://10.0.0.5", "https://:9292",
            "http://bad_host:9292", "http://10.0.0.5:0", "http://10.0.0.5:70000", "http://10.0.0.5:9292/?x=1",
            "http://10.0.0.5:9292/#top", "http://10.0.0.5:9292/a b", "file:///etc/passwd", "javascript:alert(1)"})
    void publicUrlsThatAreNotHttpWithHostAndPortAreRefused(String url) {
        Verdict verdict = RoleRules.check(RoleState.EMPTY, new Assignment("SJC", "h1", url, null, Storage.local()));

        assertThat(outcomeOf(verdict)).isEqualTo("invalid-url");
        assertThat(((Verdict.Refused) verdict).rule().kind()).isEqualTo(Rule.Kind.INVALID);
        assertThat(((Verdict.Refused) verdict).detail()).startsWith("publicUrl");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://10.0.0.5:9292", "HTTPS://glance.sjc.example:443", "http://[fd00::5]:9292",
            "http://10.0.0.5:9292/image-proxy/"})
    void httpUrlsWithHostAndPortAreAccepted(String url) {
        assertThat(outcomeOf(RoleRules.check(RoleState.EMPTY, new Assignment("SJC", "h1", url, null, Storage.local()))))
                .isEqualTo("created");
    }

    @ParameterizedTest
    @CsvSource({
            "http://169.254.169.254:80, link-local",
            "http://[fe80::1]:9292, link-local",
            "http://[::ffff:169.254.169.254]:9292, link-local",
            "http://0.0.0.0:9292, unspecified",
            "http://[::]:9292, unspecified",
            "http://224.0.0.1:9292, multicast",
            "http://255.255.255.255:9292, broadcast"})
    void urlsAtAddressesNoGlanceHostHasAreRefusedNamingTheReason(String url, String reason) {
        var verdict = (Verdict.Refused) RoleRules.check(RoleState.EMPTY,
                new Assignment("SJC", "h1", url, null, Storage.local()));

        assertThat(verdict.rule()).isEqualTo(Rule.INVALID_URL);
        assertThat(verdict.detail()).startsWith("publicUrl '" + url + "'").contains(reason);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:9292", "http://[::1]:9292", "http://169.254.example:9292",
            "http://10.169.254.1:9292"})
    void loopbackAndNamesThatOnlyLookInternalAreAccepted(String url) {
        assertThat(outcomeOf(RoleRules.check(RoleState.EMPTY, new Assignment("SJC", "h1", url, null, Storage.local()))))
                .isEqualTo("created");
    }

    @Test
    void anAdminUrlIsValidatedLikeThePublicOne() {
        Verdict verdict = RoleRules.check(RoleState.EMPTY,
                new Assignment("SJC", "h1", "http://10.0.0.5:9292", "https://10.0.0.5", Storage.local()));

        assertThat(outcomeOf(verdict)).isEqualTo("invalid-url");
        assertThat(((Verdict.Refused) verdict).detail()).startsWith("adminUrl").contains("explicit port");
    }

    @Test
    void credentialsInAUrlAreRefusedWithoutBeingEchoed() {
        var verdict = (Verdict.Refused) RoleRules.check(RoleState.EMPTY,
                new Assignment("SJC", "h1", "http://glance:s3cret@10.0.0.5:9292", null, Storage.local()));

        assertThat(verdict.rule()).isEqualTo(Rule.INVALID_URL);
        assertThat(verdict.detail()).contains("user info").doesNotContain("s3cret");
    }

    static Stream<Arguments> incompleteStorages() {
        return Stream.of(
                Arguments.of(null, "storage.type"),
                Arguments.of(new Storage(StorageType.UNKNOWN, null, null, null), "storage.type"),
                Arguments.of(new Storage(StorageType.NFS, null, "id-a", null), "mountPath"),
                Arguments.of(new Storage(StorageType.NFS, "relative/data", "id-a", null), "absolute"),
                Arguments.of(new Storage(StorageType.NFS, "/data", null, null), ".imagelib-storage-id"),
                Arguments.of(new Storage(StorageType.NFS, "/data", " ", null), "storageId"),
                Arguments.of(new Storage(StorageType.NFS, "/data", "id-a", "gold"), "no volumeType"),
                Arguments.of(new Storage(StorageType.BLOCK, null, null, null), "volumeType"),
                Arguments.of(new Storage(StorageType.BLOCK, "/data", null, "gold"), "no mountPath"),
                Arguments.of(new Storage(StorageType.BLOCK, null, "id-a", "gold"), "no mountPath or storageId"),
                Arguments.of(new Storage(StorageType.LOCAL, null, "id-a", null), "no storageId"),
                Arguments.of(new Storage(StorageType.LOCAL, null, null, "gold"), "no storageId or volumeType"));
    }

    @ParameterizedTest
    @MethodSource("incompleteStorages")
    void storageMustCarryExactlyTheFieldsOfItsType(Storage storage, String detailMentions) {
        var verdict = RoleRules.check(RoleState.EMPTY, request("SJC", "h1", storage));

        assertThat(outcomeOf(verdict)).isEqualTo("invalid-storage");
        assertThat(((Verdict.Refused) verdict).detail()).contains(detailMentions);
    }

    @Test
    void localStorageMayNameItsDataDirectory() {
        assertThat(outcomeOf(RoleRules.check(RoleState.EMPTY,
                request("SJC", "h1", new Storage(StorageType.LOCAL, "/var/lib/glance", null, null))))).isEqualTo("created");
    }

    @Test
    void theRequestsOwnShapeIsCheckedBeforeTheRegion() {
        RoleState state = RoleState.EMPTY.with("h1", held("LAX", "h1", Storage.local()));

        assertThat(outcomeOf(RoleRules.check(state, new Assignment("SJC", "h1", "ftp://x:1", null, Storage.local()))))
                .isEqualTo("invalid-url");
    }

    @Test
    void removalNeedsTheRoleInThatRegion() {
        RoleState state = RoleState.EMPTY.with("h1", held("SJC", "h1", Storage.local()));

        assertThat(RoleRules.checkRemoval(state, "SJC", "h1")).isInstanceOf(Verdict.Removal.class);
        assertThat(outcomeOf(RoleRules.checkRemoval(state, "SJC", "h9"))).isEqualTo("not-assigned");
        var elsewhere = (Verdict.Refused) RoleRules.checkRemoval(state, "LAX", "h1");
        assertThat(elsewhere.rule().kind()).isEqualTo(Rule.Kind.NOT_FOUND);
        assertThat(elsewhere.detail()).contains("region SJC").contains("DELETE /v1/regions/SJC/hosts/h1/roles/image-library");
    }

    @Test
    void regionsListTheirHostsInHostIdOrder() {
        RoleState state = RoleState.EMPTY
                .with("h3", held("SJC", "h3", Storage.block("gold")))
                .with("h1", held("SJC", "h1", Storage.block("gold")))
                .with("h2", held("LAX", "h2", Storage.block("gold")))
                .with("h9", held("SJC", "h9", Storage.block("gold")))
                .with("h9", null);

        assertThat(state.region("SJC")).extracting(HostAssignment::hostId).containsExactly("h1", "h3");
        assertThat(state.size()).isEqualTo(3);
    }

    static Assignment request(String region, String host, Storage storage) {
        return new Assignment(region, host, "http://10.0.0.5:9292", null, storage);
    }

    static HostAssignment held(String region, String host, Storage storage) {
        return new HostAssignment(new Role(region, host, "http://10.0.0.5:9292", "https://10.0.0.5:9494", storage),
                T0, "admin", "r0");
    }

    static String outcomeOf(Verdict verdict) {
        return verdict instanceof Verdict.Refused refused ? refused.rule().slug() : verdict.outcome();
    }
}
