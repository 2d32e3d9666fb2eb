package io.imagelib.role.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Who holds the writer lease, and where each replica sends a role change, for every combination it can see. */
class WriterRulesTest {

    static final String SELF = "http://10.0.0.1:8090";
    static final String OTHER = "http://10.0.0.2:8090";

    @Test
    void theReplicaThatHeldTheLeaseKeepsItWhenAnotherJoins() {
        var holder = WriterRules.holder(List.of(member("a", false), member("b", true), member("c", false)));
        assertThat(holder).map(LeaseCandidate::memberId).contains("b");
    }

    @Test
    void withoutAPreviousHolderTheLowestMemberIdGetsTheLease() {
        var holder = WriterRules.holder(List.of(member("c", false), member("a", false), member("b", false)));
        assertThat(holder).map(LeaseCandidate::memberId).contains("a");
    }

    @Test
    void twoClaimsAfterASplitAreSettledByMemberIdSoEveryLeaderAgrees() {
        var members = List.of(member("c", true), member("b", true), member("a", false));
        assertThat(WriterRules.holder(members)).map(LeaseCandidate::memberId).contains("b");
        assertThat(WriterRules.holder(members.reversed())).map(LeaseCandidate::memberId).contains("b");
    }

    @Test
    void anEmptyGroupHasNoWriter() {
        assertThat(WriterRules.holder(List.of())).isEmpty();
    }

    /** holdsLease x caughtUp x writerUrl (none, self, other) x forwarded: all 24 views. */
    static Stream<Arguments> everyView() {
        Stream.Builder<Arguments> cases = Stream.builder();
        for (boolean holds : new boolean[] {true, false}) {
            for (boolean caughtUp : new boolean[] {true, false}) {
                for (Optional<String> writer : List.of(Optional.<String>empty(), Optional.of(SELF), Optional.of(OTHER))) {
                    for (boolean forwarded : new boolean[] {true, false}) {
                        cases.add(Arguments.of(holds, caughtUp, writer, forwarded, expected(holds, caughtUp, writer, forwarded)));
                    }
                }
            }
        }
        return cases.build();
    }

    /** The table, written out: the writer decides only once caught up; others forward to a known other writer once. */
    private static String expected(boolean holds, boolean caughtUp, Optional<String> writer, boolean forwarded) {
        if (holds) {
            return caughtUp ? "local" : "unavailable";
        }
        return !forwarded && writer.equals(Optional.of(OTHER)) ? "forward" : "unavailable";
    }

    @ParameterizedTest(name = "holds={0} caughtUp={1} writer={2} forwarded={3} -> {4}")
    @MethodSource("everyView")
    void routesEveryChangeToExactlyOnePlace(boolean holds, boolean caughtUp, Optional<String> writer, boolean forwarded,
                                            String outcome) {
        WriterRoute route = WriterRules.route(new WriterView(holds, caughtUp, writer, SELF), forwarded);

        assertThat(route.outcome()).isEqualTo(outcome);
        if (route instanceof WriterRoute.Forward forward) {
            assertThat(forward.writerUrl()).isEqualTo(OTHER);
        }
        if (route instanceof WriterRoute.Unavailable unavailable) {
            assertThat(unavailable.detail()).isNotBlank();
        }
    }

    @Test
    void aFreshReplicaKnowsNoWriterAndSaysWhy() {
        var route = WriterRules.route(WriterView.noWriter(SELF), false);
        assertThat(route).isInstanceOfSatisfying(WriterRoute.Unavailable.class,
                r -> assertThat(r.detail()).contains("No role-service replica holds the writer lease"));
    }

    private static LeaseCandidate member(String id, boolean holding) {
        return new LeaseCandidate(id, "http://" + id + ":8090", holding);
    }
}
