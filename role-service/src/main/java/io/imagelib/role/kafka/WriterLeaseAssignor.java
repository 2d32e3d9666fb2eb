package io.imagelib.role.kafka;

import io.imagelib.role.domain.LeaseCandidate;
import io.imagelib.role.domain.WriterRules;
import io.imagelib.schemas.topics.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Configurable;
import org.apache.kafka.common.TopicPartition;

/**
 * Hands the lease partition to one member of the writer group and tells every member the writer's URL: members send
 * their URL (and whether they held the lease) in their subscription, the group leader picks the writer with
 * {@link WriterRules#holder}, and every member's assignment carries the writer's URL, so non-writers know where to
 * forward without asking anyone.
 */
public final class WriterLeaseAssignor implements ConsumerPartitionAssignor, Configurable {

    /** Consumer config key under which {@link WriterLease} hands itself to the assignor instance Kafka creates. */
    static final String MEMBER_CONFIG = "imagelib.role.lease.member";

    private static final TopicPartition LEASE = new TopicPartition(Topics.ROLE_WRITER_LEASE_NAME, 0);

    /** What the assignor needs from the replica it runs in. */
    interface Member {
        String selfUrl();

        boolean claimsLease();

        void writerNamed(Optional<String> writerUrl);
    }

    private Member member;

    @Override
    public void configure(Map<String, ?> configs) {
        member = (Member) configs.get(MEMBER_CONFIG);
    }

    @Override
    public ByteBuffer subscriptionUserData(Set<String> topics) {
        return utf8((member.claimsLease() ? "1" : "0") + member.selfUrl());
    }

    @Override
    public GroupAssignment assign(Cluster metadata, GroupSubscription groupSubscription) {
        Map<String, Subscription> members = groupSubscription.groupSubscription();
        List<LeaseCandidate> candidates = members.entrySet().stream().map(e -> {
            String data = text(e.getValue().userData());
            return new LeaseCandidate(e.getKey(), data.isEmpty() ? "" : data.substring(1), data.startsWith("1"));
        }).toList();
        Optional<LeaseCandidate> holder = WriterRules.holder(candidates);
        Map<String, Assignment> assignments = new HashMap<>();
        for (String memberId : members.keySet()) {
            boolean writer = holder.filter(h -> h.memberId().equals(memberId)).isPresent();
            assignments.put(memberId, new Assignment(writer ? List.of(LEASE) : List.of(),
                    utf8(holder.map(LeaseCandidate::url).orElse(""))));
        }
        return new GroupAssignment(assignments);
    }

    @Override
    public void onAssignment(Assignment assignment, ConsumerGroupMetadata metadata) {
        member.writerNamed(Optional.of(text(assignment.userData())).filter(url -> !url.isEmpty()));
    }

    @Override
    public String name() {
        return "imagelib-writer-lease";
    }

    private static ByteBuffer utf8(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(ByteBuffer data) {
        if (data == null) {
            return "";
        }
        ByteBuffer copy = data.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
