package io.imagelib.endpoint.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Invariants of the election over seeded random event sequences (assign, remove, up, down, drain, manual set), run
 * the way the service runs it: every update is followed by {@link AdminElection#decide}. A failure names its seed.
 */
class AdminElectionPropertiesTest {

    private static final List<String> HOSTS = List.of("h1", "h2", "h3", "h4");
    private static final int SEQUENCES = 1_000;
    private static final int STEPS = 60;

    @Test
    void invariantsHoldOverRandomEventSequences() {
        for (long seed = 1; seed <= SEQUENCES; seed++) {
            runSequence(seed);
        }
    }

    private void runSequence(long seed) {
        Random random = new Random(seed);
        RegionState state = RegionState.empty(Regions.REGION);
        int clock = 0;
        String lastServing = null;
        List<String> story = new ArrayList<>();
        for (int step = 0; step < STEPS; step++) {
            String host = HOSTS.get(random.nextInt(HOSTS.size()));
            int kind = random.nextInt(6);
            Instant now = Regions.NOW.plusSeconds(step);
            RegionState before = state;
            Optional<AdminChange> change;
            RegionState facts = state;
            boolean newcomerPossible = false;
            if (kind == 5) {
                story.add("set " + host);
                CommandDecision answer = AdminElection.setAdmin(state,
                        new SetAdmin("r" + step, host, null, "op"), now);
                boolean fit = state.isRegistered(host) && state.healthOf(host) == Health.UP;
                assertThat(answer.accepted()).as(context(seed, story, "set accepted iff UP and registered")).isEqualTo(fit);
                if (answer.accepted()) {
                    assertThat(answer.adminInForce().orElseThrow().hostId()).as(context(seed, story, "set wins"))
                            .isEqualTo(host);
                }
                change = answer.decision().change();
                state = answer.decision().next();
            } else {
                HostUpdate update = switch (kind) {
                    case 0 -> new HostUpdate.Assigned(Regions.role(host, ++clock));
                    case 1 -> new HostUpdate.RoleRemoved(host);
                    case 2 -> new HostUpdate.HealthChanged(host, Health.UP);
                    case 3 -> new HostUpdate.HealthChanged(host, Health.DOWN);
                    default -> new HostUpdate.HealthChanged(host, Health.DRAINING);
                };
                story.add(update.toString());
                newcomerPossible = kind == 0 || kind == 2;
                facts = state.apply(update);
                Decision decision = AdminElection.decide(facts, now);
                change = decision.change();
                state = decision.next();
            }
            List<String> why = story;
            change.ifPresent(c -> {
                assertThat(c.admin().epoch()).as(context(seed, why, "epoch + 1 per change")).isEqualTo(before.epoch() + 1);
                assertThat(c.previousHostId()).as(context(seed, why, "previous is the admin before"))
                        .isEqualTo(before.admin().map(AdminRecord::hostId).orElse(null));
            });
            if (change.isEmpty()) {
                assertThat(state.admin()).as(context(seed, why, "no change, same admin")).isEqualTo(before.admin());
            }
            assertNoFailback(seed, why, facts, change, newcomerPossible);
            lastServing = assertAdminInvariants(seed, why, state, lastServing);
            assertThat(AdminElection.decide(state, now).change()).as(context(seed, why, "idempotent")).isEmpty();
        }
    }

    /**
     * No failback: while the admin's host still holds the role and is UP (facts after the event), only the last
     * assigned host or an operator moves the admin.
     */
    private static void assertNoFailback(long seed, List<String> story, RegionState facts, Optional<AdminChange> change,
                                         boolean newcomerPossible) {
        boolean someoneServed = facts.admin().filter(AdminRecord::serving).isPresent();
        boolean adminWasFit = facts.admin().filter(a -> facts.isRegistered(a.hostId())
                && facts.healthOf(a.hostId()) == Health.UP).isPresent();
        change.ifPresent(c -> {
            if (someoneServed && adminWasFit && c.admin().reason() != AdminReason.MANUAL) {
                assertThat(newcomerPossible && c.admin().reason() == AdminReason.LAST_ASSIGNED)
                        .as(context(seed, story, "a fit admin only yields to the last assigned host or an operator"))
                        .isTrue();
            }
        });
    }

    private static String assertAdminInvariants(long seed, List<String> story, RegionState state, String lastServing) {
        boolean anyUp = state.roles().keySet().stream().anyMatch(h -> state.healthOf(h) == Health.UP);
        Optional<AdminRecord> admin = state.admin();
        if (anyUp) {
            assertThat(admin).as(context(seed, story, "someone UP => an admin")).isPresent();
            assertThat(admin.get().serving()).as(context(seed, story, "someone UP => admin serves")).isTrue();
            assertThat(state.healthOf(admin.get().hostId())).as(context(seed, story, "admin is UP")).isEqualTo(Health.UP);
        }
        if (admin.isEmpty()) {
            return lastServing;
        }
        if (admin.get().serving()) {
            assertThat(state.isRegistered(admin.get().hostId())).as(context(seed, story, "admin is registered")).isTrue();
            return admin.get().hostId();
        }
        assertThat(anyUp).as(context(seed, story, "not serving only without an UP host")).isFalse();
        assertThat(admin.get().reason()).isEqualTo(AdminReason.NO_HEALTHY_HOST);
        assertThat(admin.get().hostId()).as(context(seed, story, "last admin kept on record")).isEqualTo(lastServing);
        return lastServing;
    }

    private static String context(long seed, List<String> story, String invariant) {
        return invariant + " (seed " + seed + ", events " + story + ")";
    }
}
